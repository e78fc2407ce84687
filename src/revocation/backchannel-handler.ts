import type { JWKSStore } from '../core/jwks.js';
import type { NormalizedOptions } from '../core/options.js';
import type { RevocationStore } from '../core/revocation-store.js';
import { isAuthError } from '../core/errors.js';
import { LogoutTokenError, verifyLogoutToken, type LogoutTokenRules } from './logout-token.js';
import { createMemoryRevocationStore } from './memory-store.js';
import { readLogoutForm } from './read-form.js';
import { answer, unavailable } from './answer.js';

/** The parts of an `AuthKit` the receiver uses; every `createAuthKit()` result fits. */
export interface LogoutKit {
  readonly options: Pick<NormalizedOptions<unknown>, 'issuers' | 'algorithms' | 'clockTolerance' | 'maxTokenSize' | 'now' | 'revocation'>;
  readonly jwks: Pick<JWKSStore, 'getKey'>;
  revoke(revocation: { sub: string; before?: number; iss?: string }): Promise<void>;
}

/** What `onRevoked` learns of one accepted logout. */
export interface BackchannelLogoutEvent {
  /** The user signed out; absent when the token named only a session. */
  sub: string | undefined;
  /** The ended Logto session, when the app has "session required" set. */
  sid: string | undefined;
  /** Tokens of `sub` with `iat * 1000 < before` are now refused (ms since epoch). */
  before: number;
  issuer: string;
  jti: string;
}

/** Options of {@link createBackchannelLogoutHandler}. Give `clientId` or `clientIds`. */
export interface BackchannelLogoutOptions {
  /** The kit whose key set verifies logout tokens and whose token cache is cleared. */
  kit: LogoutKit;
  /** The Logto application id the logout token's `aud` must name. */
  clientId?: string;
  /** Several application ids (one API serving several Logto apps). */
  clientIds?: string[];
  /** Where revocations go; must be the kit's `revocation` store (the kit would not consult another). @default kit.options.revocation */
  store?: RevocationStore;
  /** Seconds since `iat` after which a logout token is refused (Logto ≤ 1.41 sends no `exp`). @default 120 (Logto's logout-token lifetime) */
  maxTokenAge?: number;
  /** Largest request body in bytes. @default 32768 */
  maxBodySize?: number;
  /** Called after each accepted logout, e.g. to end the app's own sessions of `sub` or `sid`. A rejection answers 500. */
  onRevoked?: (event: BackchannelLogoutEvent) => void | Promise<void>;
}

/** A Fetch handler: Next.js route handlers, Hono, Bun, Deno, workers. */
export type FetchHandler = (request: Request) => Promise<Response>;

function clientIdsOf(options: BackchannelLogoutOptions): string[] {
  const ids = options.clientIds ?? (options.clientId === undefined ? [] : [options.clientId]);
  if ((options.clientId !== undefined && options.clientIds !== undefined) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== '')) {
    throw new TypeError('logto-authkit: createBackchannelLogoutHandler needs "clientId" (a string) or "clientIds" (non-empty strings), not both');
  }
  return ids;
}

/**
 * The revocation time of a logout: the later of the logout token's `iat` and
 * our receipt time, rounded up to the end of its second. Access-token `iat`s
 * have one-second resolution, so a token issued in that second cannot be told
 * apart from the old session's and is refused; tokens of a new sign-in from
 * the next second on are accepted. Receipt time also covers tokens minted
 * between `iat` and delivery.
 */
export function revocationTime(logoutIat: number, receivedAtMs: number): number {
  return (Math.max(Math.floor(logoutIat), Math.floor(receivedAtMs / 1000)) + 1) * 1000;
}

/**
 * A back-channel logout receiver (OIDC Back-Channel Logout 1.0) for the URI
 * registered in the Logto Console. A valid logout token revokes its `sub`: every
 * access token of that user issued up to the logout is then refused with
 * `token_revoked`, in this instance's token cache too, and on every instance
 * sharing the store. Answers 200 (`Cache-Control: no-store`), 400
 * `invalid_request`, 405, 413, 415, or 503 when keys or store are unreachable.
 *
 * @example
 * ```ts
 * const revocation = createMemoryRevocationStore()
 * const kit = createAuthKit({ logtoUrl, audience, revocation })
 * const logout = createBackchannelLogoutHandler({ kit, clientId: 'my-logto-app-id', onRevoked: ({ sub }) => sessions.drop(sub) })
 * // Fetch runtimes: export const POST = logout; node:http / Express: toNodeHandler(logout)
 * ```
 */
export function createBackchannelLogoutHandler(options: BackchannelLogoutOptions): FetchHandler {
  const { kit, onRevoked } = options;
  const store = options.store ?? kit.options.revocation;
  if (!store) throw new TypeError('logto-authkit: createBackchannelLogoutHandler needs a store: give the kit a "revocation" option');
  if (store !== kit.options.revocation) throw new TypeError('logto-authkit: "store" must be the kit\'s "revocation" store, or the kit would never consult it');
  const maxAge = options.maxTokenAge ?? 120;
  const maxBodySize = options.maxBodySize ?? 32_768;
  if (!(maxAge > 0) || !Number.isFinite(maxAge)) throw new TypeError('logto-authkit: option "maxTokenAge" must be a positive number of seconds');
  if (!Number.isInteger(maxBodySize) || maxBodySize <= 0) throw new TypeError('logto-authkit: option "maxBodySize" must be a positive integer');
  const { issuers, algorithms, clockTolerance, maxTokenSize, now } = kit.options;
  const rules: LogoutTokenRules = { issuers, clientIds: clientIdsOf(options), algorithms, clockTolerance, maxAge, maxTokenSize };
  // A replayed token is refused for as long as its age lets it pass.
  const jtiTtl = (maxAge + 2 * clockTolerance) * 1000;
  const jtiStore = store.markJti ? store : createMemoryRevocationStore({ now });

  return async (request) => {
    const form = await readLogoutForm(request, maxBodySize);
    if ('status' in form) return answer(form.status, 'invalid_request', form.description, form.status === 405 ? { allow: 'POST' } : {});
    try {
      const receivedAt = now();
      // Logto signs with a new key at once and need not redeliver a refused logout, so an
      // unknown kid here may refetch even when access tokens spent the shared budget.
      const claims = await verifyLogoutToken(form.token, rules, (header) => kit.jwks.getKey(header, { forceRefetch: true }), receivedAt);
      // Scoped by issuer: jti is unique per issuer only (RFC 7519 §4.1.7).
      if (!(await jtiStore.markJti?.(`${claims.iss} ${claims.jti}`, jtiTtl))) throw new LogoutTokenError('logout token was already used (jti replay)');
      const before = revocationTime(claims.iat, receivedAt);
      // Only the logout token's issuer: the same sub in another tenant is another user.
      if (claims.sub !== undefined) await kit.revoke({ sub: claims.sub, before, iss: claims.iss });
      if (claims.sid !== undefined) await store.revokeSession?.({ sid: claims.sid, before });
      try {
        await onRevoked?.({ sub: claims.sub, sid: claims.sid, before, issuer: claims.iss, jti: claims.jti });
      } catch {
        return answer(500, 'server_error', 'the application could not end its sessions');
      }
      return answer(200);
    } catch (error) {
      if (error instanceof LogoutTokenError) return answer(400, 'invalid_request', error.message);
      // jwks_unavailable, revocation_unavailable, or a store that failed otherwise: an outage, not a bad token.
      return unavailable('keys or revocation store unreachable; try again', isAuthError(error) ? error.retryAfter : undefined);
    }
  };
}
