import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createAuthKit, type AuthKit } from 'logto-authkit';
import { createBackchannelLogoutHandler } from '../../src/revocation/index.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { createRedisRevocationStore, type RedisRevocationStore, type RedisRevocationStoreOptions } from '../../src/redis/index.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.js';

type Client = ReturnType<typeof createClient>;
let redis: RedisServer;
let issuer: TestIssuer;
let admin: Client;
const cleanup: (() => unknown)[] = [];

async function connect(): Promise<Client> {
  // A constant, short reconnect delay keeps the outage tests quick.
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: 50, connectTimeout: 1_000 } });
  client.on('error', () => undefined);
  await client.connect();
  cleanup.push(() => client.destroy());
  return client;
}
async function instance(options: Partial<RedisRevocationStoreOptions> = {}) {
  const store = createRedisRevocationStore({ client: await connect(), onError: () => undefined, retryDelay: 50, ...options });
  cleanup.push(() => store.close());
  await store.ready;
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store });
  cleanup.push(() => kit.close());
  return { store, kit };
}
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<number> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}
async function refusal(kit: AuthKit, token: string): Promise<AuthError | undefined> {
  return kit.verifyToken(token).then(() => undefined, (error: unknown) => (error instanceof AuthError ? error : Promise.reject(error)));
}
const form = (token: string) =>
  new Request('http://api.test/logout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) });

describe.skipIf(redisServerMissing())('createRedisRevocationStore (real redis-server)', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    issuer = await createTestIssuer();
    admin = createClient({ url: redis.url, socket: { reconnectStrategy: 50 } });
    admin.on('error', () => undefined);
    await admin.connect();
  });
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
    if (!admin.isReady) await until(() => admin.isReady);
    await admin.flushAll();
  });
  afterAll(async () => {
    admin.destroy();
    await issuer.close();
    await redis.close();
  });

  it('a revocation on one instance reaches another and clears its token cache; reads are synchronous', async () => {
    const a = await instance();
    const b = await instance();
    const token = await issuer.mintToken({ sub: 'shared-user' }, { now: Date.now() - 5_000 });
    await b.kit.verifyToken(token);
    expect(b.store.getRevokedAt('shared-user', issuer.issuer)).toBeUndefined();
    const start = performance.now();
    await a.kit.revoke({ sub: 'shared-user' });
    await until(() => b.store.getRevokedAt('shared-user', issuer.issuer) !== undefined);
    const elapsed = performance.now() - start;
    // Printed, not asserted: tests assert no times.
    console.log(`in-process Redis propagation: ${elapsed.toFixed(1)} ms`);
    expect(typeof b.store.getRevokedAt('shared-user', issuer.issuer)).toBe('number');
    expect((await refusal(b.kit, token))?.code).toBe('token_revoked');
  });

  it('loads existing revocations at start, so a new instance refuses them at once', async () => {
    const a = await instance();
    await a.store.revoke({ iss: issuer.issuer, sub: 'old', before: Date.now() });
    await a.store.revokeSession({ sid: 'old-session', before: Date.now() });
    const late = await instance();
    expect(late.store.getRevokedAt('old', issuer.issuer)).toBeDefined();
    expect(late.store.getSessionRevokedAt('old-session')).toBeDefined();
    expect(late.store.healthy).toBe(true);
  });

  it('refuses a replayed jti across instances (SET NX PX), and the handler answers 400 on the second instance', async () => {
    const a = await instance();
    const b = await instance();
    expect(await a.store.markJti('jti-1', 60_000)).toBe(true);
    expect(await b.store.markJti('jti-1', 60_000)).toBe(false);
    const pttl = await admin.pTTL('logto-authkit:jti:jti-1');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    const token = await issuer.mintLogoutToken({ sub: 'replay-user' });
    const onA = createBackchannelLogoutHandler({ kit: a.kit, clientId: issuer.clientId });
    const onB = createBackchannelLogoutHandler({ kit: b.kit, clientId: issuer.clientId });
    expect((await onA(form(token))).status).toBe(200);
    expect((await onB(form(token))).status).toBe(400);
  });

  it('entries expire: the sorted set drops revocations older than ttl, jti keys carry their own expiry', async () => {
    let now = Date.now();
    const a = await instance({ ttl: 10_000, now: () => now });
    await a.store.revoke({ iss: issuer.issuer, sub: 'expiring', before: now });
    expect(await admin.zCard('logto-authkit:revoked')).toBe(1);
    now += 10_000;
    expect(a.store.getRevokedAt('expiring', issuer.issuer)).toBeUndefined();
    await a.store.revoke({ iss: issuer.issuer, sub: 'next', before: now });
    expect(await admin.zRange('logto-authkit:revoked', 0, -1)).toEqual([`sub:${JSON.stringify([issuer.issuer, 'next'])}`]);
  });

  it('a flood of bogus logout POSTs writes nothing to Redis', async () => {
    const a = await instance();
    const handler = createBackchannelLogoutHandler({ kit: a.kit, clientId: issuer.clientId });
    const bogus = [await issuer.mintToken(), await issuer.mintLogoutToken({ nonce: 'n' }), 'x.y.z', await issuer.mintIdToken()];
    const keys = await admin.dbSize();
    for (let i = 0; i < 2_000; i += 100) {
      const statuses = await Promise.all(Array.from({ length: 100 }, (_, j) => handler(form(bogus[(i + j) % bogus.length] as string)).then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([400]));
    }
    expect(await admin.dbSize()).toBe(keys);
    expect(a.store.size).toBe(0);
  });

  it("onStoreError 'allow' (default): serves from the mirror during an outage, and shares what it learnt once Redis is back", async () => {
    const a = await instance();
    const b = await instance();
    const token = await issuer.mintToken({ sub: 'before-outage' }, { now: Date.now() - 5_000 });
    const duringToken = await issuer.mintToken({ sub: 'during-outage' }, { now: Date.now() - 5_000 });
    await a.kit.revoke({ sub: 'before-outage' });
    await until(() => b.store.getRevokedAt('before-outage', issuer.issuer) !== undefined);
    await redis.stop();
    await until(() => !a.store.healthy && !b.store.healthy);
    expect((await refusal(a.kit, token))?.code).toBe('token_revoked');
    await a.kit.revoke({ sub: 'during-outage' });
    expect((await refusal(a.kit, duringToken))?.code).toBe('token_revoked');
    expect(await refusal(b.kit, duringToken)).toBeUndefined();
    expect(await a.store.markJti('outage-jti', 60_000)).toBe(true);
    expect(await a.store.markJti('outage-jti', 60_000)).toBe(false);
    // Restarted without persistence: Redis comes back empty.
    await redis.start();
    await until(() => a.store.healthy && b.store.healthy && b.store.getRevokedAt('during-outage', issuer.issuer) !== undefined);
    expect((await refusal(b.kit, duringToken))?.code).toBe('token_revoked');
    const fresh = await instance();
    expect(fresh.store.getRevokedAt('before-outage', issuer.issuer)).toBeDefined();
    expect(fresh.store.getRevokedAt('during-outage', issuer.issuer)).toBeDefined();
  });

  it("onStoreError 'deny': an outage refuses tokens with revocation_unavailable (503), never a 401, until Redis is back", async () => {
    const a = await instance({ onStoreError: 'deny' });
    const token = await issuer.mintToken({ sub: 'deny-user' });
    expect((await a.kit.verifyToken(token)).userId).toBe('deny-user');
    const handler = createBackchannelLogoutHandler({ kit: a.kit, clientId: issuer.clientId });
    await redis.stop();
    await until(() => !a.store.healthy);
    const error = await refusal(a.kit, token);
    expect([error?.code, error?.status, error?.wwwAuthenticate]).toEqual(['revocation_unavailable', 503, undefined]);
    const auth = await a.kit.createAuthContext({ headers: { authorization: `Bearer ${token}` } });
    expect(auth.status === 'anonymous' && auth.error.status).toBe(503);
    expect((await handler(form(await issuer.mintLogoutToken({ sub: 'deny-user' })))).status).toBe(503);
    await expect(a.kit.revoke({ sub: 'admin-during-outage' })).rejects.toMatchObject({ code: 'revocation_unavailable' });
    await redis.start();
    await until(() => a.store.healthy);
    expect((await a.kit.verifyToken(token)).userId).toBe('deny-user');
    // The revocation made during the outage was written once Redis was back.
    expect(await admin.zScore('logto-authkit:revoked', `sub:${JSON.stringify([issuer.issuer, 'admin-during-outage'])}`)).not.toBeNull();
  });

  it("regression: a hung Redis (SIGSTOP: no error, no message) is caught by the heartbeat; 'deny' then refuses with 503", async () => {
    const a = await instance({ onStoreError: 'deny', heartbeatInterval: 100, commandTimeout: 200 });
    const b = await instance({ heartbeatInterval: 100, commandTimeout: 200 });
    const token = await issuer.mintToken({ sub: 'hung-user' });
    expect((await a.kit.verifyToken(token)).userId).toBe('hung-user');
    redis.pause();
    try {
      await until(() => !a.store.healthy && !b.store.healthy, 3_000);
      const error = await refusal(a.kit, token);
      expect([error?.code, error?.status]).toEqual(['revocation_unavailable', 503]);
      // 'allow' keeps answering from its mirror, and says it is not current.
      expect((await b.kit.verifyToken(token)).userId).toBe('hung-user');
    } finally {
      redis.resume();
    }
    await until(() => a.store.healthy && b.store.healthy);
    expect((await a.kit.verifyToken(token)).userId).toBe('hung-user');
  });

  it('onHealthChanged tells each flip once, a hung Redis included; a listener that throws does not stop the reload', async () => {
    const { store, kit } = await instance({ heartbeatInterval: 100, commandTimeout: 200 });
    const flips: boolean[] = [];
    store.onHealthChanged(() => {
      throw new Error('broken listener');
    });
    const stop = store.onHealthChanged((healthy) => flips.push(healthy));
    const events: unknown[] = [];
    kit.onEvent((event) => event.type === 'revocation.health_changed' && events.push(event));
    redis.pause();
    try {
      await until(() => !store.healthy, 3_000);
    } finally {
      redis.resume();
    }
    await until(() => store.healthy);
    expect(flips).toEqual([false, true]);
    expect(events).toEqual([
      { type: 'revocation.health_changed', healthy: false },
      { type: 'revocation.health_changed', healthy: true },
    ]);
    stop();
    await redis.stop();
    await until(() => !store.healthy);
    await redis.start();
    await until(() => store.healthy);
    expect(flips).toEqual([false, true]);
    expect(events).toHaveLength(4);
  });

  it('regression: a revocation from Redis whose before lies far ahead (1e300) is ignored and reported, not a lockout forever', async () => {
    const errors: unknown[] = [];
    const a = await instance({ onError: (error) => errors.push(error) });
    const channel = 'logto-authkit:revocations';
    await admin.publish(channel, JSON.stringify({ kind: 'sub', iss: issuer.issuer, id: 'forever', before: 1e300 }));
    await admin.publish(channel, JSON.stringify({ kind: 'sub', iss: issuer.issuer, id: 'marker', before: Date.now() }));
    await until(() => a.store.getRevokedAt('marker', issuer.issuer) !== undefined);
    expect(a.store.getRevokedAt('forever', issuer.issuer)).toBeUndefined();
    expect(errors.map(String)).toEqual([expect.stringContaining('in the future')]);
    // The same entry in the sorted set is not loaded either.
    await admin.zAdd('logto-authkit:revoked', { score: 1e300, value: `sub:${JSON.stringify([issuer.issuer, 'forever'])}` });
    const late = await instance();
    expect(late.store.getRevokedAt('forever', issuer.issuer)).toBeUndefined();
    expect(late.store.getRevokedAt('marker', issuer.issuer)).toBeUndefined();
    const token = await issuer.mintToken({ sub: 'forever' });
    expect((await late.kit.verifyToken(token)).userId).toBe('forever');
  });

  it('an instance started during an outage is not healthy and not ready until it has loaded; deny refuses meanwhile', async () => {
    const seen = await instance();
    await seen.kit.revoke({ sub: 'known-before' });
    await redis.stop();
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: 50, connectTimeout: 1_000 } });
    client.on('error', () => undefined);
    const connecting = client.connect().catch(() => undefined);
    cleanup.push(async () => {
      await connecting;
      client.destroy();
    });
    const allow = createRedisRevocationStore({ client, onError: () => undefined, retryDelay: 50 });
    const deny = createRedisRevocationStore({ client, onError: () => undefined, retryDelay: 50, onStoreError: 'deny' });
    cleanup.push(() => allow.close(), () => deny.close());
    const state = (store: RedisRevocationStore) => Promise.race([store.ready.then(() => 'ready'), new Promise((resolve) => setTimeout(resolve, 300, 'pending'))]);
    expect([await state(allow), allow.healthy]).toEqual(['pending', false]);
    expect(allow.getRevokedAt('known-before', issuer.issuer)).toBeUndefined();
    expect(() => deny.getRevokedAt('known-before', issuer.issuer)).toThrow(AuthError);
    // Restarted empty; the instance that saw the revocation writes it back.
    await redis.start();
    await until(() => seen.store.healthy);
    await Promise.all([allow.ready, deny.ready]);
    expect([allow.healthy, deny.healthy]).toEqual([true, true]);
    expect(allow.getRevokedAt('known-before', issuer.issuer)).toBeDefined();
    expect(deny.getRevokedAt('known-before', issuer.issuer)).toBeDefined();
  });

  it('declares its ttl: a kit refuses tokens that would outlive a revocation in Redis, unless the ttl covers them', async () => {
    const short = await instance();
    const long = await issuer.mintToken({ sub: 'two-hours' }, { expiresIn: 7_200 });
    expect(short.store.ttl).toBe(3_900_000);
    expect((await refusal(short.kit, long))?.code).toBe('token_too_old');
    const roomy = await instance({ ttl: 7_500_000 });
    expect((await roomy.kit.verifyToken(long)).userId).toBe('two-hours');
  });

  it('checks its options', () => {
    expect(() => createRedisRevocationStore({ client: {} as never })).toThrow(/node-redis client/);
    const client = { isReady: false, sendCommand: () => Promise.resolve(null), duplicate: () => ({}) as never };
    expect(() => createRedisRevocationStore({ client, heartbeatInterval: 0 })).toThrow(/"heartbeatInterval"/);
    expect(() => createRedisRevocationStore({ client, ttl: -1 })).toThrow(/"ttl"/);
  });
});
