/**
 * A logout received by one instance ends the streams open on another: the
 * Redis store tells every kit, and each kit tells its open streams.
 */
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createRedisRevocationStore, type RedisRevocationStore } from 'logto-authkit/redis';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { buildApp, startStandalone, type AppRouter, type RunningServer } from '../trpc/harness.js';

describe.skipIf(redisServerMissing())('streams on one instance, logout on another (real redis-server)', () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  const closers: (() => unknown)[] = [];

  async function instance(): Promise<{ kit: AuthKit; store: RedisRevocationStore }> {
    const client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    const store = createRedisRevocationStore({ client });
    await store.ready;
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store });
    closers.push(() => client.destroy(), () => store.close(), () => kit.close());
    return { kit, store };
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    issuer = await createTestIssuer();
  });
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await issuer?.close();
    await redis?.close();
  });

  it('ends a tRPC WebSocket subscription on instance B within 1 s of a revocation on instance A', async () => {
    const [a, b] = [await instance(), await instance()];
    const app = buildApp(b.kit);
    const server: RunningServer = await startStandalone(app.router, app.createContext);
    closers.push(() => server.close());
    const token = await issuer.mintToken({ sub: 'two-instances' });
    const socket = createWSClient({
      url: server.wsUrl,
      WebSocket: class extends WebSocket {} as unknown as typeof globalThis.WebSocket,
      connectionParams: () => ({ token }),
    });
    closers.push(() => socket.close());
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
    let started: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (started = resolve));
    const ended = new Promise<unknown>((resolve) => client.ticks.subscribe(undefined, { onData: () => started(), onError: resolve }));
    await first;
    await a.kit.revoke({ sub: 'two-instances', before: Date.now() + 1_000 });
    const end = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('still open'), 1_000))]);
    expect(end, 'the stream on B was still open 1 s after A revoked').toBeInstanceOf(TRPCClientError);
    expect((end as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    expect((end as Error).message).toMatch(/revoked/);
  });
});
