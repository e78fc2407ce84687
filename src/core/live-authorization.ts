/**
 * One authorization that lasts: a WebSocket, an SSE stream or a subscription
 * was authorized once, and stays authorized only until its token expires
 * (`exp` plus the kit's `clockTolerance`, the rule a request is held to) or
 * its subject is revoked (back-channel logout), whichever comes first.
 */
import type { AuthContext, AuthenticatedContext } from './context.js';
import { organizationSubject, type Revocation } from './revocation-store.js';
import { AuthError } from './errors.js';

/** What a live authorization needs from a kit (an `AuthKit` fits). */
export interface LiveAuthorizationSource {
  readonly options: { readonly now: () => number; readonly clockTolerance: number };
  /** Be told of every revocation the kit learns of; returns an unsubscribe function. */
  onRevoked(listener: (revocation: Revocation) => void): () => void;
}

/** One watched authorization, from {@link createLiveAuthorization}. */
export interface LiveAuthorization {
  /** Resolves with `token_expired` or `token_revoked` when the authorization ends; never for a guest or an anonymous caller. */
  readonly ended: Promise<AuthError>;
  /** The error that ended it, or `token_expired` once the kit's clock is past the deadline; `undefined` while it holds. */
  check(): AuthError | undefined;
  /** Stop watching (the timer and the revocation listener). Idempotent. */
  close(): void;
}

// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days); longer waits re-arm.
const MAX_TIMER_MS = 2_147_483_647;

const expired = (): AuthError => new AuthError('token_expired', 'the access token expired while the connection was open');
const revoked = (): AuthError => new AuthError('token_revoked', 'the access token was revoked while the connection was open (the user signed out)');

/** Whether `revocation` refuses `auth`'s token: the verifier's own rule (`iat` before `before`). */
export function isRevokedBy(revocation: Revocation, auth: AuthenticatedContext<unknown>): boolean {
  const iat = auth.payload.iat;
  // Revocations are per issuer and subject: another tenant's user of the same id is not this one.
  // A revocation within an organization reaches only tokens bound to it.
  const subject = revocation.sub === auth.userId || (auth.organizationId !== undefined && revocation.sub === organizationSubject(auth.userId, auth.organizationId));
  return subject && revocation.iss === auth.payload.iss && (typeof iat === 'number' ? iat * 1000 : -Infinity) < revocation.before;
}

/**
 * When an authenticated context stops being valid, in ms by the kit's clock:
 * `exp` plus `clockTolerance` (RFC 7519 §4.1.4 allows "some small leeway"; a
 * stream gets the same leeway as a request). `undefined` for guests and
 * anonymous callers, who have nothing to expire.
 *
 * @example
 * ```ts
 * const at = authorizationDeadline(kit, auth) // auth.expiresAt + 5 s by default
 * ```
 */
export function authorizationDeadline(source: LiveAuthorizationSource, auth: AuthContext<unknown>): number | undefined {
  return auth.status === 'authenticated' ? auth.expiresAt.getTime() + source.options.clockTolerance * 1000 : undefined;
}

/**
 * `token_expired` when the kit's clock is past {@link authorizationDeadline}, else `undefined`.
 *
 * @example
 * ```ts
 * const error = liveExpiryError(kit, ctx.auth) // a context built when a socket opened
 * ```
 */
export function liveExpiryError(source: LiveAuthorizationSource, auth: AuthContext<unknown>): AuthError | undefined {
  const deadline = authorizationDeadline(source, auth);
  return deadline !== undefined && source.options.now() >= deadline ? expired() : undefined;
}

/**
 * Watch `auth` for as long as a connection or stream uses it: one timer for
 * its deadline (re-armed for delays longer than a timer holds) and one
 * listener on the kit's revocation notifications (`kit.onRevoked`, fed by the
 * kit's single subscription to its store), so a logout ends the stream as soon
 * as the kit hears of it. Call `close()` when the stream ends for any reason.
 *
 * @example
 * ```ts
 * const live = createLiveAuthorization(kit, auth)
 * live.ended.then((error) => socket.close(4403, error.code))
 * socket.once('close', () => live.close())
 * ```
 */
export function createLiveAuthorization(source: LiveAuthorizationSource, auth: AuthContext<unknown>): LiveAuthorization {
  const deadline = authorizationDeadline(source, auth);
  let endedWith: AuthError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;
  let resolveEnded: (error: AuthError) => void = () => undefined;
  const ended = new Promise<AuthError>((resolve) => (resolveEnded = resolve));
  const close = (): void => {
    clearTimeout(timer);
    timer = undefined;
    unsubscribe?.();
    unsubscribe = undefined;
  };
  const end = (error: AuthError): void => {
    if (endedWith) return;
    endedWith = error;
    close();
    resolveEnded(error);
  };
  if (auth.status === 'authenticated' && deadline !== undefined) {
    const arm = (): void => {
      const delay = deadline - source.options.now();
      if (delay <= 0) end(expired());
      else timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
    };
    arm();
    if (!endedWith) unsubscribe = source.onRevoked((revocation) => isRevokedBy(revocation, auth) && end(revoked()));
  }
  return {
    ended,
    check: () => endedWith ?? (deadline !== undefined && source.options.now() >= deadline ? expired() : undefined),
    close,
  };
}
