import { AuthError, createMemoryRevocationStore, DEFAULT_REVOCATION_TTL, MAX_REVOCATION_SKEW, type MemoryRevocationStore } from 'logto-authkit';
import { parseScored, withTimeout, type RedisSubscriberLike } from './redis-client.js';
import { entryOf, memberOf, parseMessage, WRITE_SCRIPT, type Entry } from './redis-protocol.js';
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
 * restarted without persistence recovers. A PING every `heartbeatInterval`
 * tells a hung Redis from a quiet one. Needs Redis ≥ 6.2 (`ZADD GT`).
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
  const heartbeatInterval = options.heartbeatInterval ?? 2000;
  for (const [name, value] of [['ttl', ttl], ['commandTimeout', timeout], ['retryDelay', retryDelay], ['heartbeatInterval', heartbeatInterval]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`logto-authkit: option "${name}" must be a positive integer (ms)`);
  }
  const now = options.now ?? Date.now;
  const key = `${prefix}revoked`;
  const channel = `${prefix}revocations`;
  const mirror: MemoryRevocationStore = createMemoryRevocationStore({ ttl, now });
  const pending: Entry[] = [];
  let subscriber: RedisSubscriberLike | undefined;
  let healthy = false;
  const healthListeners = new Set<(healthy: boolean) => void>();
  const setHealthy = (next: boolean): void => {
    if (healthy === next) return;
    healthy = next;
    for (const listener of healthListeners) {
      try {
        listener(next);
      } catch {
        // A listener's bug must not break the reload or the heartbeat.
      }
    }
  };
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
  let warnedIgnored = false;
  // Not an outage: `warned` (one warning per outage) stays as it is.
  const ignore = (error: Error): void => {
    if (onError) onError(error);
    else if (!warnedIgnored) console.warn('logto-authkit/redis:', error.message);
    warnedIgnored = true;
  };
  const unavailable = (cause: unknown): AuthError => new AuthError('revocation_unavailable', 'the revocation store (Redis) is unreachable', { cause });
  const command = (args: string[]): Promise<unknown> =>
    client.isReady ? withTimeout(client.sendCommand(args), timeout) : Promise.reject(new Error('the Redis client is not connected'));
  const apply = (entry: Entry): Promise<void> =>
    entry.kind === 'sub' ? mirror.revoke({ iss: entry.iss, sub: entry.id, before: entry.before }) : mirror.revokeSession({ sid: entry.id, before: entry.before });
  // What arrives from Redis is bounded like what is made here: a `before` far
  // in the future (1e300) would lock a user out for good.
  const applyRemote = async (entry: Entry): Promise<void> => {
    if (entry.before > now() + MAX_REVOCATION_SKEW) return ignore(new Error(`ignored a revocation from Redis whose "before" lies more than ${MAX_REVOCATION_SKEW} ms in the future`));
    await apply(entry);
  };
  const write = async (entry: Entry): Promise<void> => {
    await command(['EVAL', WRITE_SCRIPT, '1', key, String(entry.before), memberOf(entry), String(now() - ttl), channel, JSON.stringify(entry)]);
  };

  const fail = (error: unknown): void => {
    setHealthy(false);
    report(error);
    if (!closed && retry === undefined) retry = setTimeout(() => ((retry = undefined), void sync()), retryDelay);
  };

  // Load everything unexpired, write back what Redis lacks (a restart without persistence), flush what waited.
  const load = async (): Promise<void> => {
    // Loading while not subscribed would miss what is published right after.
    if (!subscribed || !subscriber?.isReady) throw new Error('the Redis subscriber is not connected');
    const stored = new Map(parseScored(await command(['ZRANGEBYSCORE', key, `(${now() - ttl}`, '+inf', 'WITHSCORES'])));
    for (const [member, before] of stored) {
      const entry = entryOf(member, before);
      if (entry) await applyRemote(entry);
    }
    const snapshot = mirror.snapshot();
    const missing = [
      ...snapshot.subjects.map(({ iss, sub, before }): Entry => ({ kind: 'sub', iss, id: sub, before })),
      ...snapshot.sessions.map(({ sid, before }): Entry => ({ kind: 'sid', id: sid, before })),
    ].filter((entry) => (stored.get(memberOf(entry)) ?? -Infinity) < entry.before);
    if (missing.length > 0) {
      await command(['ZADD', key, 'GT', ...missing.flatMap((entry) => [String(entry.before), memberOf(entry)])]);
      // Instances that reloaded the emptied Redis before this one came back learn them too.
      await Promise.all(missing.map((entry) => command(['PUBLISH', channel, JSON.stringify(entry)])));
    }
    while (pending.length > 0) {
      await write(pending[0] as Entry);
      pending.shift();
    }
    setHealthy(true);
    warned = false;
    resolveReady();
  };
  const sync = (): Promise<void> => (syncing ??= load().catch(fail).finally(() => (syncing = undefined)));

  const start = async (): Promise<void> => {
    const connection = client.duplicate();
    subscriber = connection;
    connection.on('error', (error) => fail(error));
    connection.on('end', () => setHealthy(false));
    connection.on('reconnecting', () => setHealthy(false));
    // node-redis resubscribes on reconnect; what was published meanwhile is reloaded.
    connection.on('ready', () => void (!subscribed || closed ? undefined : sync()));
    await connection.connect();
    await connection.subscribe(channel, (message) => {
      const entry = parseMessage(message);
      if (entry) applyRemote(entry).catch(report);
    });
    subscribed = true;
    await sync();
  };
  const beat = (): void => {
    if (closed || syncing) return;
    // Unhealthy stores are reloaded by the retry timer; a PING only tells a hung Redis from a quiet one.
    if (healthy) command(['PING']).catch(fail);
  };
  const heartbeat = setInterval(beat, heartbeatInterval);
  // The heartbeat must not keep a process alive that has nothing else to do.
  if (typeof heartbeat === 'object' && typeof heartbeat.unref === 'function') heartbeat.unref();
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
    getRevokedAt(sub, iss) {
      if (deny && !healthy) throw unavailable(undefined);
      return mirror.getRevokedAt(sub, iss);
    },
    getSessionRevokedAt(sid) {
      if (deny && !healthy) throw unavailable(undefined);
      return mirror.getSessionRevokedAt(sid);
    },
    revoke: ({ iss, sub, before }) => record({ kind: 'sub', iss, id: sub, before }),
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
    ttl,
    get healthy() {
      return healthy;
    },
    onHealthChanged(listener) {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
    ready,
    async close() {
      closed = true;
      healthListeners.clear();
      clearTimeout(retry);
      clearInterval(heartbeat);
      if (subscriber?.destroy) subscriber.destroy();
      else await subscriber?.disconnect?.();
    },
  };
}
