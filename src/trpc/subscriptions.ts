/**
 * Token lifetime for contexts that outlive one request: a WebSocket connection
 * builds its context once, and a subscription may stream for hours. A JWT
 * access token cannot be revoked before `exp` (LOGTO-FACTS), so `exp` is the
 * one moment that ends such a stream.
 */
import { AuthError, type AuthContext, type AuthKit } from 'logto-authkit';
import { toTRPCError } from './errors.js';

/** The clock a context was verified with. */
interface Clock {
  now: () => number;
  /** ms past `exp` the kit still accepts (its `clockTolerance`). */
  toleranceMs: number;
}

// Verified contexts are frozen and shared through the kit's token cache, so
// they are keyed here rather than tagged; one context belongs to one kit.
const clocks = new WeakMap<object, Clock>();
// Contexts made outside createTRPCContext: Date.now and the kit's default tolerance.
const DEFAULT_CLOCK: Clock = { now: Date.now, toleranceMs: 5_000 };
// setTimeout fires at once for delays above 2^31 - 1 ms; longer waits re-arm.
const MAX_TIMER_MS = 2_147_483_647;

/** Remember which kit's clock judges `auth`'s expiry (called by `createTRPCContext`). */
export function registerClock(auth: AuthContext<unknown>, kit: AuthKit<unknown>): void {
  if (auth.status === 'authenticated') clocks.set(auth, { now: kit.options.now, toleranceMs: kit.options.clockTolerance * 1000 });
}

function deadlineOf(auth: AuthContext<unknown>): { at: number; now: () => number } | undefined {
  if (auth.status !== 'authenticated') return undefined;
  const clock = clocks.get(auth) ?? DEFAULT_CLOCK;
  return { at: auth.expiresAt.getTime() + clock.toleranceMs, now: clock.now };
}

const expired = (during: string): AuthError => new AuthError('token_expired', `token has expired ${during}`);

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
  const deadline = deadlineOf(auth);
  return deadline && deadline.now() >= deadline.at ? expired('since the connection was opened') : undefined;
}

/** Options of {@link untilTokenExpires}. */
export interface UntilTokenExpiresOptions {
  /** Ends the stream quietly when aborted (pass tRPC's `signal`). @default undefined */
  signal?: AbortSignal;
}

/**
 * Wrap a subscription's async iterable so that it throws `UNAUTHORIZED`
 * (`token_expired`) when the caller's token expires: one timer, not a check per
 * event. Subscriptions under `requireAuth`/`protectedProcedure` are wrapped
 * already; use this in a middleware of your own. Guests and anonymous callers
 * have no expiry: the iterable passes through.
 *
 * @example
 * ```ts
 * onPost: t.procedure.subscription(async function* ({ ctx, signal }) {
 *   yield* untilTokenExpires(ctx.auth, on(events, 'post', { signal }), { signal })
 * })
 * ```
 */
export async function* untilTokenExpires<T>(auth: AuthContext<unknown>, source: AsyncIterable<T>, options: UntilTokenExpiresOptions = {}): AsyncGenerator<T, void, undefined> {
  const deadline = deadlineOf(auth);
  const iterator = source[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const ended = new Promise<'expired' | 'aborted'>((resolve) => {
    if (deadline) {
      const arm = (): void => {
        const delay = deadline.at - deadline.now();
        if (delay <= 0) resolve('expired');
        else timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
      };
      arm();
    }
    if (options.signal) {
      onAbort = () => resolve('aborted');
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    while (true) {
      const step = await Promise.race([iterator.next(), ended]);
      if (step === 'expired') throw toTRPCError(expired('during the subscription'));
      if (step === 'aborted' || step.done) return;
      yield step.value;
    }
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    // Not awaited: a source blocked waiting for its next event would hold the
    // error back until then; tRPC aborts its signal, which unblocks it.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
