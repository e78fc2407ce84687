import type { AnonymousContext, AuthenticatedContext, GuestContext } from './context.js';
import type { AuthError } from './errors.js';
import { organizationOf } from './claims.js';
import { missingScopes } from './scopes.js';

const none = Object.freeze([]) as readonly string[];
const noScopes = (...scopes: string[]): boolean => scopes.length === 0;
const noOrganization = (): boolean => false;

const isPlain = (value: object): boolean => {
  const prototype: unknown = Object.getPrototypeOf(value);
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
};

/**
 * Freeze a parsed payload or a schema's output through every nested array and plain object, so a
 * handler that writes `auth.payload.roles.push('admin')` fails (TypeError in strict mode) instead of
 * changing the context that every later request with the token gets from the cache. Class instances
 * a schema may produce (Date, Map, …) are left as they are: they may be the application's own.
 * Iterative: a 16 KB payload can nest thousands of arrays deep.
 *
 * @example
 * ```ts
 * const payload = deepFreeze(JSON.parse(json) as Record<string, unknown>)
 * ```
 */
export function deepFreeze<T>(root: T): T {
  const pending: unknown[] = [root];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null || seen.has(value) || !isPlain(value)) continue;
    seen.add(value);
    Object.freeze(value);
    for (const key of Object.keys(value)) pending.push((value as Record<string, unknown>)[key]);
  }
  return root;
}

/** What a verified token's contexts share: its payload, its claims and its scopes, all frozen. */
export interface VerifiedPayload<TClaims> {
  readonly payload: Record<string, unknown>;
  readonly claims: TClaims;
  readonly scopes: readonly string[];
}

/**
 * Freeze a verified payload for sharing: the token cache keeps this, not a context, so that
 * an entry holds neither the token string nor a per-request object (docs/architecture.md).
 * Frozen all the way down, so a handler that writes `auth.payload.roles.push('admin')` fails
 * instead of changing what every later request with the token gets.
 *
 * @example
 * ```ts
 * const verified = verifiedPayload(payload, payload, parseScopes(payload.scope))
 * ```
 */
export function verifiedPayload<TClaims>(payload: Record<string, unknown>, claims: TClaims, scopes: readonly string[]): VerifiedPayload<TClaims> {
  // Three fields and nothing derived (the organization is read per request): 10,000 of these fit in 5 MB.
  return Object.freeze({
    // Frozen in place, not copied: it is the verifier's own parse result, and without a schema it is
    // `claims` too. A frozen spread copy costs V8 ~0.4 KB per cached token.
    payload: deepFreeze(payload),
    claims: (claims as unknown) === payload ? claims : deepFreeze(claims),
    scopes: Object.isFrozen(scopes) ? scopes : Object.freeze([...scopes]),
  });
}

/**
 * The authenticated context of one request presenting `token`, over a shared {@link verifiedPayload}.
 * Made per request (a few hundred bytes of young garbage, no freezing walk): `token` is the
 * presented string, and each read of `expiresAt` gives a new `Date`, since a `Date` is mutable.
 *
 * @example
 * ```ts
 * const auth = contextOf(token, cached.value)
 * ```
 */
export function contextOf<TClaims>(token: string, verified: VerifiedPayload<TClaims>): AuthenticatedContext<TClaims> {
  const { payload, claims, scopes } = verified;
  const { organizationId, isOrganizationToken } = organizationOf(payload);
  const sub = payload.sub as string;
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
  const expMs = (payload.exp as number) * 1000;
  return Object.freeze({
    status: 'authenticated',
    isAuthenticated: true,
    isGuest: false,
    userId: sub,
    guestId: undefined,
    clientId,
    payload,
    claims,
    organizationId,
    isOrganizationToken,
    token,
    // A Date is mutable and a context may serve every request of its token (the verifier's hot
    // entries): each read is a Date of the reader's own.
    get expiresAt() {
      return new Date(expMs);
    },
    // docs/logto.md "Access token": machine-to-machine tokens have sub === client_id.
    isMachine: clientId !== undefined && clientId === sub,
    scopes,
    hasScopes: (...required: string[]) => missingScopes(scopes, required).length === 0,
    hasOrganization: (id: string) => organizationId !== undefined && organizationId === id,
  } satisfies AuthenticatedContext<TClaims>);
}

/**
 * The authenticated context of a verified payload. Frozen all the way down
 * (payload and claims included).
 *
 * @example
 * ```ts
 * const auth = authenticatedContext(token, payload, payload, parseScopes(payload.scope))
 * ```
 */
export function authenticatedContext<TClaims>(
  token: string,
  payload: Record<string, unknown>,
  claims: TClaims,
  scopes: readonly string[],
): AuthenticatedContext<TClaims> {
  return contextOf(token, verifiedPayload(payload, claims, scopes));
}

/**
 * A guest context (`allowGuest: true`).
 *
 * @example
 * ```ts
 * guestContext({ guestId: crypto.randomUUID(), isNewGuest: true })
 * ```
 */
export function guestContext(guest: { guestId: string; isNewGuest: boolean }, error?: AuthError): GuestContext {
  return {
    status: 'guest',
    isAuthenticated: false,
    isGuest: true,
    userId: null,
    guestId: guest.guestId,
    isNewGuest: guest.isNewGuest,
    payload: null,
    scopes: none,
    hasScopes: noScopes,
    hasOrganization: noOrganization,
    ...(error ? { error } : {}),
  };
}

/**
 * An anonymous context carrying why the caller is not authenticated.
 *
 * @example
 * ```ts
 * anonymousContext(new AuthError('missing_token', 'no access token was presented'))
 * ```
 */
export function anonymousContext(error: AuthError): AnonymousContext {
  return {
    status: 'anonymous',
    isAuthenticated: false,
    isGuest: false,
    userId: null,
    guestId: undefined,
    payload: null,
    scopes: none,
    hasScopes: noScopes,
    hasOrganization: noOrganization,
    error,
  };
}
