/**
 * What bounds the refetches that unknown `kid`s cause: a small token bucket, and a memory
 * of the kids already looked up in vain. Forged tokens can name any kid; neither may turn
 * them into a stream of requests to Logto, and one junk kid must not spend the refetch
 * that a key Logto just rotated to needs.
 */

/** A token bucket of `capacity` refetches, refilled evenly over `windowMs`. */
export interface RefetchBudget {
  /** Spends one refetch when one is left. */
  take(): boolean;
  /** Refetches left now (whole ones). */
  readonly left: number;
  /** Milliseconds until the next refetch is available; 0 when one is. */
  waitMs(): number;
}

/**
 * Creates a full bucket. A `windowMs` of 0 never runs dry.
 *
 * @example
 * ```ts
 * const budget = createRefetchBudget(3, 30_000, Date.now) // three refetches, then one per 10 s
 * if (!budget.take()) throw busy(budget.waitMs())
 * ```
 */
export function createRefetchBudget(capacity: number, windowMs: number, now: () => number): RefetchBudget {
  let tokens = capacity;
  let at = now();
  const refill = (): void => {
    const t = now();
    // A clock stepped back refills nothing, and the time it skipped is not counted twice.
    if (t <= at) return;
    tokens = Math.min(capacity, tokens + ((t - at) * capacity) / windowMs);
    at = t;
  };
  return {
    take() {
      if (windowMs <= 0) return true;
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    get left() {
      if (windowMs <= 0) return capacity;
      refill();
      return Math.floor(tokens);
    },
    waitMs() {
      if (windowMs <= 0) return 0;
      refill();
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * windowMs) / capacity);
    },
  };
}

/** Kids looked up in vain, each remembered for `ttlMs`. */
export interface KidMemory {
  has(kid: string): boolean;
  add(kid: string): void;
  clear(): void;
}

/**
 * Creates the memory; past `max` kids the oldest is forgotten, so forged kids cannot grow it.
 *
 * @example
 * ```ts
 * const unknown = createKidMemory(30_000, 1_000, Date.now)
 * if (unknown.has(kid)) throw notInSet()
 * ```
 */
export function createKidMemory(ttlMs: number, max: number, now: () => number): KidMemory {
  const until = new Map<string, number>();
  return {
    has(kid) {
      const expiry = until.get(kid);
      if (expiry === undefined) return false;
      if (now() < expiry) return true;
      until.delete(kid);
      return false;
    },
    add(kid) {
      until.delete(kid);
      until.set(kid, now() + ttlMs);
      if (until.size > max) {
        const oldest = until.keys().next();
        if (oldest.done !== true) until.delete(oldest.value);
      }
    },
    clear: () => until.clear(),
  };
}
