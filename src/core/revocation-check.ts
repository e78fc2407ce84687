/**
 * The revocation checks of a verified token: whether the kit can still remember a revocation
 * for as long as the token lives, and whether its subject (or the subject within its
 * organization) was revoked after it was issued. Stores with a local mirror answer
 * synchronously, so a cached token is judged in the same tick; a store that answers with a
 * promise is awaited, never skipped.
 */
import type { NormalizedOptions } from './options.js';
import { organizationSubject, type RevocationStore } from './revocation-store.js';
import { isAuthError, refusal, type AuthError } from './errors.js';
import { isThenable } from './thenable.js';

/** See {@link createRevocationCheck}. */
export interface RevocationCheck {
  /** Throw `outlives_revocation_memory` for a token accepted longer than the store remembers a revocation. */
  checkRemembered(payload: Record<string, unknown>): void;
  /** Throw (or reject with) `revoked` / `revocation_unavailable`; `undefined` when answered in this tick. */
  checkRevokedNow(sub: string, iss: string, issuedAtMs: number, organizationId: string | undefined): Promise<void> | undefined;
}

/**
 * Build the revocation checks for a kit's options.
 *
 * @example
 * ```ts
 * const { checkRevokedNow } = createRevocationCheck(options)
 * await checkRevokedNow('user-1', issuer, iat * 1000, undefined)
 * ```
 */
export function createRevocationCheck(options: Pick<NormalizedOptions<unknown>, 'revocation' | 'maxTokenAge' | 'clockTolerance'>): RevocationCheck {
  const { revocation } = options;
  // A revocation is forgotten `ttl` after its `before` (≥ the token's iat): a
  // token still accepted after that would come back, so it is refused up front.
  const remembered = revocation?.ttl;
  const checkRemembered = (payload: Record<string, unknown>): void => {
    if (remembered === undefined) return;
    const { iat, exp } = payload as { iat?: unknown; exp?: number };
    const lastAccepted = Math.min(exp ?? Infinity, typeof iat === 'number' ? iat + (options.maxTokenAge ?? Infinity) : Infinity) + options.clockTolerance;
    if (typeof iat !== 'number' || lastAccepted * 1000 > iat * 1000 + remembered) {
      throw refusal('outlives_revocation_memory');
    }
  };

  const unreachable = (error: unknown): AuthError =>
    // A store that cannot answer is an outage (503), never "your token is bad" (401 signs users out).
    isAuthError(error) ? error : refusal('revocation_unavailable', { message: 'the revocation store cannot be reached', cause: error });
  // The store's answer, checked: a time in ms, or none. Anything else (NaN, a date string, an
  // object) compares as "not revoked", so it is an outage (503), never a pass.
  const revokedAt = (at: unknown): number | undefined => {
    if (at === undefined || at === null) return undefined;
    if (typeof at === 'number' && !Number.isNaN(at)) return at;
    throw unreachable(new TypeError('the revocation store answered neither a time in ms nor undefined'));
  };
  const settle = async (answer: PromiseLike<unknown>): Promise<number | undefined> => {
    let at: unknown;
    try {
      at = await answer;
    } catch (error) {
      throw unreachable(error);
    }
    return revokedAt(at);
  };
  // Any thenable is awaited (a promise of another realm or library too); the result is then this realm's promise.
  const read = (sub: string, iss: string): number | undefined | Promise<number | undefined> => {
    let answer: unknown;
    try {
      answer = (revocation as RevocationStore).getRevokedAt(sub, iss);
    } catch (error) {
      throw unreachable(error);
    }
    return isThenable(answer) ? settle(answer) : revokedAt(answer);
  };
  const refuseIfRevoked = (at: number | undefined, issuedAtMs: number): void => {
    if (at !== undefined && issuedAtMs < at) throw refusal('revoked');
  };
  const checkOrganization = (sub: string, iss: string, issuedAtMs: number, organizationId: string | undefined): Promise<void> | undefined => {
    if (organizationId === undefined) return undefined;
    const answer = read(organizationSubject(sub, organizationId), iss);
    if (!(answer instanceof Promise)) {
      refuseIfRevoked(answer, issuedAtMs);
      return undefined;
    }
    return settle(answer).then((at) => refuseIfRevoked(at, issuedAtMs));
  };
  // A token bound to an organization is also refused by a revocation of the user within it.
  const checkRevokedNow = (sub: string, iss: string, issuedAtMs: number, organizationId: string | undefined): Promise<void> | undefined => {
    if (!revocation) return undefined;
    const answer = read(sub, iss);
    if (!(answer instanceof Promise)) {
      refuseIfRevoked(answer, issuedAtMs);
      return checkOrganization(sub, iss, issuedAtMs, organizationId);
    }
    return settle(answer).then((at) => {
      refuseIfRevoked(at, issuedAtMs);
      return checkOrganization(sub, iss, issuedAtMs, organizationId);
    });
  };
  return { checkRemembered, checkRevokedNow };
}
