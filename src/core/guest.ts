/**
 * The guest id of an unauthenticated caller (`allowGuest: true`), kept in its
 * own cookie so a guest stays the same guest across requests.
 */
import type { RequestView } from './request.js';

/** A resolved guest identity. */
export interface GuestIdentity {
  /** A lower-case UUID. */
  guestId: string;
  /** The id was made for this request: the adapter should set the guest cookie. */
  isNewGuest: boolean;
}

// RFC 9562 §4: the text form is 8-4-4-4-12 hex digits; any letter case is valid
// input, lower case is the canonical output.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID in RFC 9562 text form (any version, any case).
 *
 * @example
 * ```ts
 * isUUID('0B4E6A5C-7D1F-4C2A-9E8B-3F5D2A1C6B7E') // true
 * isUUID('admin')                                  // false
 * ```
 */
export function isUUID(value: string): boolean {
  return UUID.test(value);
}

/**
 * Read the guest id from the `guestCookieName` cookie. Only a UUID is taken:
 * the cookie is client-controlled, and the id ends up in logs, database keys
 * and the guest cookie written back, so anything else is replaced by a fresh
 * `crypto.randomUUID()`.
 *
 * @example
 * ```ts
 * const { guestId, isNewGuest } = resolveGuestId(view, 'guest_logto_authtoken')
 * if (isNewGuest) headers.append('Set-Cookie', buildGuestCookieHeader(guestId, { secure: true }))
 * ```
 */
export function resolveGuestId(view: RequestView, guestCookieName: string): GuestIdentity {
  const value = view.cookie(guestCookieName)?.trim();
  if (value !== undefined && UUID.test(value)) return { guestId: value.toLowerCase(), isNewGuest: false };
  return { guestId: crypto.randomUUID(), isNewGuest: true };
}
