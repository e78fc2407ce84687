import { AuthError, createMemoryRevocationStore, DEFAULT_REVOCATION_TTL, type MemoryRevocationStore } from 'logto-authkit';
import { parseScored, withTimeout, type RedisSubscriberLike } from './redis-client.js';
import { parseMessage, WRITE_SCRIPT, type Entry } from './redis-protocol.js';
import type { RedisRevocationStore, RedisRevocationStoreOptions } from './redis-store-options.js';

const MAX_PENDING = 10_000;

/**
 * A revocation store for many API instances sharing one Redis (node-redis v4/v5).
 * A revocation on one instance reaches every other one through pub/sub on a
 * duplicated connection and clears their token caches; `jti`s are recorded with
 * `SET NX PX`, so a replayed logout token is refused on every instance. Each
 * instance keeps a mirror in memory, loaded at start and on every reconnect
 * and kept current by pub/sub, so the per-request check stays synchronous.
 * Revocations made while Redis is unreachable apply here at once and are
 * written when it is back; reloading writes the mirror back too, so a Redis
 * restarted without persistence recovers. Needs Redis ≥ 6.2 (`ZADD GT`).
 *
 * Built for node-redis (`redis` v5, v4 fits too) rather than ioredis: Redis
 * recommends node-redis for new projects (ioredis is maintained on a
 * best-effort basis; connect-redis 9 dropped it for that reason), it speaks
 * RESP3, and its `duplicate()` gives the dedicated subscriber connection
 * pub/sub needs. The store only calls `sendCommand`, `duplicate` and the
 * subscriber's `subscribe`, so `redis` is never imported here: it stays an
 * optional peer dependency of `logto-authkit`.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { createRedisRevocationStore } from 'logto-authkit/redis'
 *
 * const client = createClient({ url: process.env.REDIS_URL })
 * client.on('error', (error) => log.warn(error))
 * await client.connect()
 * const revocation = createRedisRevocationStore({ client })
 * await revocation.ready
 * const kit = createAuthKit({ logtoUrl, audience, revocation })
 * ```
 */
export function createRedisRevocationStore(options: RedisRevocationStoreOptions): RedisRevocationStore {
  const { client, onError } = options;
  if (typeof client?.sendCommand !== 'function' || typeof client.duplicate !== 'function') {
    throw new TypeError('logto-authkit: createRedisRevocationStore needs "client", a node-redis client (createClient() from "redis")');
  }
  const prefix = options.prefix ?? 'logto-authkit:';
  const ttl = options.ttl ?? DEFAULT_REVOCATION_TTL;
  const deny = (options.onStoreError ?? 'allow') === 'deny';
  const timeout = options.commandTimeout ?? 1000;
  const retryDelay = options.retryDelay ?? 250;
  const now = options.now ?? Date.now;
  const key = `${prefix}revoked`;
  const channel = `${prefix}revocations`;
  const mirror: MemoryRevocationStore = createMemoryRevocationStore({ ttl, now });
  const pending: Entry[] = [];
  let subscriber: RedisSubscriberLike | undefined;
  let healthy = false;
  let subscribed = false;
  let closed = false;
  let warned = false;
  let syncing: Promise<void> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));

  const report = (error: unknown): void => {
    if (onError) onError(error);
    else if (!warned) console.warn('logto-authkit/redis: Redis is unreachable; revocations are served from the local mirror or refused (onStoreError)', error);
    warned = true;
  };
  const unavailable = (cause: unknown): AuthError => new AuthError('revocation_unavailable', 'the revocation store (Redis) is unreachable', { cause });
  const command = (args: string[]): Promise<unknown> =>
    client.isReady ? withTimeout(client.sendCommand(args), timeout) : Promise.reject(new Error('the Redis client is not connected'));
  const apply = (entry: Entry): Promise<void> =>
    entry.kind === 'sub' ? mirror.revoke({ sub: entry.id, before: entry.before }) : mirror.revokeSession({ sid: entry.id, before: entry.before });
  const write = async (entry: Entry): Promise<void> => {
    const member = `${entry.kind}:${entry.id}`;
    await command(['EVAL', WRITE_SCRIPT, '1', key, String(entry.before), member, String(now() - ttl), channel, JSON.stringify(entry)]);
  };

  const fail = (error: unknown): void => {
    healthy = false;
    report(error);
    if (!closed && retry === undefined) retry = setTimeout(() => ((retry = undefined), void sync()), retryDelay);
  };

  // Load everything unexpired, write back what Redis lacks (a restart without persistence), flush what waited.
  const load = async (): Promise<void> => {
    // Loading while not subscribed would miss what is published right after.
    if (!subscribed || !subscriber?.isReady) throw new Error('the Redis subscriber is not connected');
    const stored = new Map(parseScored(await command(['ZRANGEBYSCORE', key, `(${now() - ttl}`, '+inf', 'WITHSCORES'])));
    for (const [member, before] of stored) {
      const [kind, id] = [member.slice(0, 3), member.slice(4)];
      if ((kind === 'sub' || kind === 'sid') && id !== '') await apply({ kind, id, before });
    }
    const snapshot = mirror.snapshot();
    const missing = [
      ...snapshot.subjects.map(({ sub, before }) => [`sub:${sub}`, before] as const),
      ...snapshot.sessions.map(({ sid, before }) => [`sid:${sid}`, before] as const),
    ].filter(([member, before]) => (stored.get(member) ?? -Infinity) < before);
    if (missing.length > 0) await command(['ZADD', key, 'GT', ...missing.flatMap(([member, before]) => [String(before), member])]);
    while (pending.length > 0) {
      await write(pending[0] as Entry);
      pending.shift();
    }
    healthy = true;
    warned = false;
    resolveReady();
  };
  const sync = (): Promise<void> => (syncing ??= load().catch(fail).finally(() => (syncing = undefined)));

  const start = async (): Promise<void> => {
    const connection = client.duplicate();
    subscriber = connection;
    connection.on('error', (error) => fail(error));
    connection.on('end', () => (healthy = false));
    connection.on('reconnecting', () => (healthy = false));
    // node-redis resubscribes on reconnect; what was published meanwhile is reloaded.
    connection.on('ready', () => void (!subscribed || closed ? undefined : sync()));
    await connection.connect();
    await connection.subscribe(channel, (message) => {
      const entry = parseMessage(message);
      if (entry) void apply(entry);
    });
    subscribed = true;
    await sync();
  };
  start().catch((error: unknown) => {
    fail(error);
  });

  const record = async (entry: Entry): Promise<void> => {
    await apply(entry);
    try {
      await write(entry);
    } catch (error) {
      if (pending.length < MAX_PENDING) pending.push(entry);
      fail(error);
      if (deny) throw unavailable(error);
    }
  };

  return {
    getRevokedAt(sub) {
      if (deny && !healthy) throw unavailable(undefined);
      return mirror.getRevokedAt(sub);
    },
    getSessionRevokedAt(sid) {
      if (deny && !healthy) throw unavailable(undefined);
      return mirror.getSessionRevokedAt(sid);
    },
    revoke: ({ sub, before }) => record({ kind: 'sub', id: sub, before }),
    revokeSession: ({ sid, before }) => record({ kind: 'sid', id: sid, before }),
    subscribe: (listener) => mirror.subscribe(listener),
    async markJti(jti, ttlMs) {
      try {
        return (await command(['SET', `${prefix}jti:${jti}`, '1', 'NX', 'PX', String(Math.ceil(ttlMs))])) !== null;
      } catch (error) {
        fail(error);
        if (deny) throw unavailable(error);
        // Replays are then caught on this instance only, until Redis is back.
        return mirror.markJti(jti, ttlMs);
      }
    },
    get size() {
      return mirror.size;
    },
    get healthy() {
      return healthy;
    },
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      if (subscriber?.destroy) subscriber.destroy();
      else await subscriber?.disconnect?.();
    },
  };
}
