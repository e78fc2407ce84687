/**
 * The few node-redis methods the store calls, typed structurally so that a
 * node-redis v4 or v5 client (`createClient()` from `redis`) fits without this
 * package importing `redis` at all.
 */

/** The duplicated connection the store subscribes on (a subscribed connection can run nothing else). */
export interface RedisSubscriberLike {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** node-redis v5. */
  destroy?(): void;
  /** node-redis v4. */
  disconnect?(): Promise<unknown>;
}

/**
 * A node-redis client (`createClient()` from `redis`). The store runs its
 * commands on it and never closes it; it subscribes on `client.duplicate()`.
 */
export interface RedisClientLike {
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): RedisSubscriberLike;
}

/**
 * Rejects when `promise` takes longer than `ms`: a hung Redis must not hang a request.
 *
 * @example
 * ```ts
 * await withTimeout(client.sendCommand(['PING']), 1000)
 * ```
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  promise.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `[member, score]` pairs from a WITHSCORES reply, RESP2 (flat) or RESP3 (pairs).
 *
 * @example
 * ```ts
 * parseScored(['sub:u1', '1700000000000']) // [['sub:u1', 1700000000000]]
 * ```
 */
export function parseScored(reply: unknown): [string, number][] {
  if (!Array.isArray(reply)) return [];
  const flat: unknown[] = reply.flat();
  const pairs: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const member = flat[i];
    const score = Number(flat[i + 1]);
    if (typeof member === 'string' && Number.isFinite(score)) pairs.push([member, score]);
  }
  return pairs;
}
