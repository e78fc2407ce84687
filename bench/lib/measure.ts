/**
 * Timing primitives shared by the benchmarks: a rate over a fixed duration and
 * a rate over a fixed list of inputs (for inputs that must not repeat).
 */

/** One measured rate. */
export interface Rate {
  /** Operations per second. */
  opsPerSec: number;
  /** Operations timed. */
  ops: number;
  /** Milliseconds timed. */
  ms: number;
}

/** Options of {@link measureRate}. */
export interface MeasureOptions {
  /** Milliseconds timed. @default 1500 */
  durationMs?: number;
  /** Milliseconds run untimed first, so the JIT and caches settle. @default 300 */
  warmupMs?: number;
}

// Reading the clock costs ~50 ns, as much as a cache hit; check it every few iterations only.
const CHECK_EVERY = 64;

async function loop(op: (i: number) => unknown, ms: number, start: number): Promise<Rate> {
  const t0 = performance.now();
  let i = start;
  let elapsed = 0;
  do {
    for (let j = 0; j < CHECK_EVERY; j++) await op(i++);
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  const ops = i - start;
  return { opsPerSec: (ops / elapsed) * 1000, ops, ms: elapsed };
}

/**
 * Run `op` sequentially (each call awaited, as one request after another) for a
 * fixed time and report its rate. `op` gets a running index to pick its input.
 *
 * @example
 * ```ts
 * const rate = await measureRate((i) => kit.verifyToken(tokens[i % 100]!))
 * ```
 */
export async function measureRate(op: (i: number) => unknown, options: MeasureOptions = {}): Promise<Rate> {
  await loop(op, options.warmupMs ?? 300, 0);
  return loop(op, options.durationMs ?? 1500, 1_000_000);
}

/**
 * Time one pass over `inputs` per fresh `setup()` (e.g. a new kit, so no input
 * is ever a cache hit) and report the best of `passes`: the pass least disturbed
 * by other work on the machine.
 *
 * @example
 * ```ts
 * const rate = await measureOnce(tokens, async () => (t) => kit.verifyToken(t), 3)
 * ```
 */
export async function measureOnce<T>(inputs: readonly T[], setup: () => Promise<(input: T) => unknown>, passes = 3): Promise<Rate> {
  let best: Rate | undefined;
  for (let pass = 0; pass < passes; pass++) {
    const op = await setup();
    const t0 = performance.now();
    for (const input of inputs) await op(input);
    const ms = performance.now() - t0;
    const rate = { opsPerSec: (inputs.length / ms) * 1000, ops: inputs.length, ms };
    if (!best || rate.opsPerSec > best.opsPerSec) best = rate;
  }
  if (!best) throw new RangeError('measureOnce needs at least one pass');
  return best;
}

/** Rejection is the expected outcome: swallow it, fail on success. */
export async function expectRejection(promise: Promise<unknown>): Promise<void> {
  let accepted = false;
  try {
    await promise;
    accepted = true;
  } catch {
    // refused, as intended
  }
  if (accepted) throw new Error('a token that must be refused was accepted');
}

/**
 * One pass over `inputs` with `concurrency` calls in flight (as a server with
 * that many requests waiting), each input used once.
 *
 * @example
 * ```ts
 * const rate = await measureConcurrent(tokens, (t) => kit.verifyToken(t), 8)
 * ```
 */
export async function measureConcurrent<T>(inputs: readonly T[], op: (input: T) => unknown, concurrency = 8): Promise<Rate> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) await op(inputs[next++]!);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  return { opsPerSec: (inputs.length / ms) * 1000, ops: inputs.length, ms };
}

/**
 * The median of `values` (the mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * median([3, 1, 2]) // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Run `round(i)` `rounds` times, each round getting its index, so callers can
 * alternate the order of what they compare (drift then hits both sides alike).
 *
 * @example
 * ```ts
 * await inRounds(5, async (i) => { for (const s of i % 2 ? [a, b] : [b, a]) await s() })
 * ```
 */
export async function inRounds(rounds: number, round: (index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < rounds; i++) await round(i);
}

/** `[a, b]` on even rounds and `[b, a]` on odd ones: the order of an interleaved pair. */
export const alternate = <T>(index: number, items: readonly T[]): T[] => (index % 2 ? [...items].reverse() : [...items]);
