/**
 * Contexts that outlive one request: a WebSocket connection builds its context
 * once, and a subscription may stream for hours. Both stay authorized only as
 * long as the core's live authorization holds: until `exp + clockTolerance`,
 * or until the subject is revoked (back-channel logout), whichever is first.
 */
import { createLiveAuthorization, liveExpiryError, refusal, untilAuthorizationEnds, type AuthContext, type AuthError, type AuthKit, type LiveAuthorizationSource } from 'logto-authkit';
import { toTRPCError } from './errors.js';

/** Where a context came from: its kit, and whether it serves every call of a WebSocket. */
interface Origin {
  kit: LiveAuthorizationSource & Pick<AuthKit<unknown>, 'authenticate'>;
  connection: boolean;
}

// Verified contexts are frozen and shared through the kit's token cache, so
// they are keyed here rather than tagged; one context belongs to one kit.
const origins = new WeakMap<object, Origin>();
// One origin per kit and kind, not one per request: an HTTP request's context is the cached one, registered again on every request.
const originsOfKit = new WeakMap<object, { http: Origin; connection: Origin }>();
// Contexts made outside createTRPCContext: Date.now, the kit's default tolerance, no revocations heard.
const DEFAULT_SOURCE: LiveAuthorizationSource = { options: { now: Date.now, clockTolerance: 5 }, onRevoked: () => () => undefined };

function originOf(kit: AuthKit<unknown>, connection: boolean): Origin {
  let both = originsOfKit.get(kit);
  if (!both) {
    const source = kit as unknown as Origin['kit'];
    originsOfKit.set(kit, (both = { http: { kit: source, connection: false }, connection: { kit: source, connection: true } }));
  }
  return connection ? both.connection : both.http;
}

/**
 * Remember `auth`'s kit (called by `createTRPCContext`). A WebSocket's context
 * gets an identity of its own, so that only its calls are re-verified, never
 * those of HTTP requests that share the cached context of the same token.
 */
export function registerContext<TClaims>(auth: AuthContext<TClaims>, kit: AuthKit<TClaims>, connection: boolean): AuthContext<TClaims> {
  if (auth.status !== 'authenticated') return auth;
  const own = connection ? Object.freeze({ ...auth }) : auth;
  const origin = originOf(kit as unknown as AuthKit<unknown>, connection);
  if (origins.get(own) !== origin) origins.set(own, origin);
  return own;
}

const sourceOf = (auth: AuthContext<unknown>): LiveAuthorizationSource => origins.get(auth)?.kit ?? DEFAULT_SOURCE;

/**
 * `token_expired` when `auth` is an authenticated context whose token has
 * expired since it was verified (by the kit's clock and `clockTolerance`).
 *
 * @example
 * ```ts
 * const error = expiryError(ctx.auth) // undefined while the token is valid
 * ```
 */
export function expiryError(auth: AuthContext<unknown>): AuthError | undefined {
  return liveExpiryError(sourceOf(auth), auth);
}

// The refusal of a token verified again: the context's error (the verifier's, as verifyToken would throw it).
const refusalOf = (again: AuthContext<unknown>): AuthError | undefined => {
  if (again.status === 'authenticated') return undefined;
  // Every refused candidate leaves its error on the context; none at all would be a bug, and must not read as a pass.
  return again.error ?? refusal('missing_token');
};

/**
 * Why `auth` no longer authorizes a call, or `undefined`: expired, or, for the
 * context of a WebSocket, refused when its token is verified again (revoked
 * since the socket opened, or an outage of the revocation store). The token is
 * cached, so this costs a map lookup and the store's `getRevokedAt`, and is
 * answered in the same tick (no promise) unless the verification has to wait.
 */
export function currentAuthError(auth: AuthContext<unknown>): AuthError | undefined | Promise<AuthError | undefined> {
  const expired = expiryError(auth);
  if (expired || auth.status !== 'authenticated') return expired;
  const origin = origins.get(auth);
  if (!origin?.connection) return undefined;
  // The token alone, through the kit's one verification path (the same check as verifyToken, refusals reported alike).
  const again = origin.kit.authenticate(auth.token);
  return again instanceof Promise ? again.then(refusalOf) : refusalOf(again);
}

/** Options of {@link untilTokenExpires}. */
export interface UntilTokenExpiresOptions {
  /** Ends the stream quietly when aborted (pass tRPC's `signal`). @default undefined */
  signal?: AbortSignal;
}

/**
 * Wrap a subscription's async iterable so that it throws `UNAUTHORIZED` when
 * the caller's authorization ends: `token_expired` at `exp + clockTolerance`,
 * `token_revoked` as soon as the kit hears that the subject signed out (one
 * timer and one revocation listener, not a check per event). Subscriptions
 * under `requireAuth`/`protectedProcedure` are wrapped already; use this in a
 * middleware of your own. Guests and anonymous callers have nothing to end:
 * the iterable passes through.
 *
 * @example
 * ```ts
 * onPost: t.procedure.subscription(async function* ({ ctx, signal }) {
 *   yield* untilTokenExpires(ctx.auth, on(events, 'post', { signal }), { signal })
 * })
 * ```
 */
export async function* untilTokenExpires<T>(auth: AuthContext<unknown>, source: AsyncIterable<T>, options: UntilTokenExpiresOptions = {}): AsyncGenerator<T, void, undefined> {
  const reason = yield* untilAuthorizationEnds(source, createLiveAuthorization(sourceOf(auth), auth), options);
  if (reason) throw toTRPCError(reason);
}
