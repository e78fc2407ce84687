/**
 * Per-input time limits for fuzzing that survive a busy machine: an input over
 * the limit is timed again, and only one that is slow every time counts.
 * Not a test file itself.
 */

/** Milliseconds any pre-crypto step may take for one input. */
export const PRE_CRYPTO_LIMIT_MS = 5;

/** Collects inputs whose handling was slow, re-timing each to rule out GC pauses and preemption. */
export interface SlowInputs<T> {
  /** Run `fn(input)`, timing it; returns what `fn` returned. */
  time<R>(input: T, fn: (input: T) => R): R;
  /** Inputs that stayed over the limit on three more tries (each with its best time). */
  confirmed(fn: (input: T) => unknown): { input: T; ms: number }[];
  /** Inputs timed. */
  readonly count: number;
}

/**
 * @example
 * ```ts
 * const slow = slowInputs<string>(); slow.time(token, check); expect(slow.confirmed(check)).toEqual([])
 * ```
 */
export function slowInputs<T>(limitMs = PRE_CRYPTO_LIMIT_MS): SlowInputs<T> {
  const suspects: T[] = [];
  let count = 0;
  return {
    time(input, fn) {
      count += 1;
      const start = performance.now();
      try {
        return fn(input);
      } finally {
        if (performance.now() - start > limitMs) suspects.push(input);
      }
    },
    confirmed(fn) {
      const slow: { input: T; ms: number }[] = [];
      for (const input of suspects) {
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 3; i++) {
          const start = performance.now();
          try {
            fn(input);
          } catch {
            // refusals are expected; only time matters here
          }
          best = Math.min(best, performance.now() - start);
        }
        if (best > limitMs) slow.push({ input, ms: best });
      }
      return slow;
    },
    get count() {
      return count;
    },
  };
}
