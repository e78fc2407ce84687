import type { ExecutionResult } from 'graphql';
import { AuthError } from 'logto-authkit';
import { toGraphQLError } from './errors.js';

// setTimeout holds at most 2^31-1 ms (~24.8 days); later deadlines re-arm.
const MAX_DELAY = 2_147_483_647;

function sleepUntil(deadline: number, now: () => number): { done: Promise<'expired'>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<'expired'>((resolve) => {
    const arm = (): void => {
      const delay = deadline - now();
      if (delay <= 0) return resolve('expired');
      timer = setTimeout(arm, Math.min(delay, MAX_DELAY));
    };
    arm();
  });
  return { done, cancel: () => clearTimeout(timer) };
}

/**
 * End a subscription stream when its access token expires (RFC 6750 §3.1: an
 * expired token no longer authorizes anything, the subscription included).
 * The last event carries an `UNAUTHENTICATED` error with reason
 * `token_expired`, so the client knows to refresh and subscribe again.
 *
 * @example
 * ```ts
 * setResult(endAtExpiry(stream, auth.expiresAt.getTime(), Date.now))
 * ```
 */
export async function* endAtExpiry<T extends ExecutionResult>(source: AsyncIterable<T>, expiresAt: number, now: () => number): AsyncGenerator<T | ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const expiry = sleepUntil(expiresAt, now);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), expiry.done]);
      if (next === 'expired') {
        yield { errors: [toGraphQLError(new AuthError('token_expired', 'the access token expired during the subscription'))] };
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    expiry.cancel();
    // Not awaited: a source generator parked in its own `await` settles its return() only at its next yield.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
