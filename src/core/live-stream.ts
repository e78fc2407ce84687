/**
 * An async iterable that stops when its authorization ends: the one loop every
 * adapter's subscription wrapper uses, so they differ only in how they tell
 * the client (a thrown tRPC error, a GraphQL error event).
 */
import type { AuthError } from './errors.js';
import type { LiveAuthorization } from './live-authorization.js';

/** Options of {@link untilAuthorizationEnds}. */
export interface UntilAuthorizationEndsOptions {
  /** Ends the stream quietly when aborted (a client that unsubscribed). @default undefined */
  signal?: AbortSignal;
}

/**
 * Yield `source`'s events while `live` holds. The generator's return value is
 * the `AuthError` that ended the authorization, or `undefined` when the source
 * finished or `signal` aborted. `live` is closed when the generator ends; a
 * generator that is never pulled never runs, so create `live` where the
 * stream starts (inside your own generator), not ahead of it.
 *
 * @example
 * ```ts
 * const reason = yield* untilAuthorizationEnds(events, createLiveAuthorization(kit, auth))
 * if (reason) throw toTRPCError(reason)
 * ```
 */
export async function* untilAuthorizationEnds<T>(source: AsyncIterable<T>, live: LiveAuthorization, options: UntilAuthorizationEndsOptions = {}): AsyncGenerator<T, AuthError | undefined, undefined> {
  const { signal } = options;
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    if (!signal) return;
    onAbort = () => resolve('aborted');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const ended = live.ended.then((error) => ({ error }));
  try {
    const already = live.check();
    if (already) return already;
    while (true) {
      const step = await Promise.race([iterator.next(), ended, aborted]);
      if (step === 'aborted') return undefined;
      if ('error' in step) return step.error;
      if (step.done) return undefined;
      yield step.value;
    }
  } finally {
    live.close();
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // Not awaited: a source parked in its own `await` settles return() only at
    // its next event, which would hold the end back; adapters abort the source.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
