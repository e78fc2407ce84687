import { createTRPCClient, createWSClient, httpBatchLink, httpSubscriptionLink, TRPCClientError, wsLink, type TRPCLink } from '@trpc/client';
import { createAuthKit, createMemoryRevocationStore, type AuthKit } from 'logto-authkit';
import { createTRPCClientAuth } from 'logto-authkit/client';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeaderEventSource } from '../trpc/event-source.js';
import { buildApp, startStandalone, type AppRouter, type RunningServer } from '../trpc/harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: RunningServer;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  // clockTolerance 0: a subscription ends at its token's `exp`.
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, clockTolerance: 0, revocation: createMemoryRevocationStore() });
  const app = buildApp(kit);
  server = await startStandalone(app.router, app.createContext);
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

function tokenSource(tokens: string[]) {
  const calls = { get: 0, clear: 0 };
  return { calls, getAccessToken: async () => tokens[Math.min(calls.get++, tokens.length - 1)] ?? null, clearAccessToken: async () => void calls.clear++ };
}

function wsClientFor(source: ReturnType<typeof tokenSource>) {
  const auth = createTRPCClientAuth(source);
  const wsClient = createWSClient({ url: server.wsUrl, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, connectionParams: auth.connectionParams, retryDelayMs: () => 0 });
  closers.push(() => wsClient.close());
  const client = createTRPCClient<AppRouter>({ links: [auth.link({ wsClient }), wsLink({ client: wsClient })] });
  return { client, wsClient };
}

type Client = ReturnType<typeof createTRPCClient<AppRouter>>;
interface Outcome {
  data: { i: number; userId: string }[];
  error?: unknown;
}

/** Subscribes to `ticks` until `done(data)` or an error. */
function collect(client: Client, done: (data: Outcome['data']) => boolean): Promise<Outcome> {
  const outcome: Outcome = { data: [] };
  return new Promise((resolve) => {
    const sub = client.ticks.subscribe(undefined, {
      onData(value) {
        outcome.data.push(value);
        if (done(outcome.data)) {
          sub.unsubscribe();
          resolve(outcome);
        }
      },
      onError(error) {
        outcome.error = error;
        resolve(outcome);
      },
    });
  });
}

const restarted = (data: Outcome['data']) => data.filter((d) => d.i === 0).length >= 2;
const codeOf = (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined);

describe('createTRPCClientAuth over wsLink (tRPC standalone + ws)', () => {
  it('a subscription whose token expires mid-stream goes on over a new socket with a fresh token', async () => {
    const before = server.connections();
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { expiresIn: 2 }), await issuer.mintToken({ sub: 'user-1' })]);
    const { client } = wsClientFor(source);
    const outcome = await collect(client, restarted);
    expect(outcome.error).toBeUndefined();
    expect(server.connections() - before).toBe(2);
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('a query refused after its subject was revoked reconnects with a fresh token and succeeds', async () => {
    const before = server.connections();
    const source = tokenSource([await issuer.mintToken({ sub: 'revoked-trpc' }, { now: Date.now() - 10_000 }), await issuer.mintToken({ sub: 'revoked-trpc' })]);
    const { client } = wsClientFor(source);
    await expect(client.me.query()).resolves.toMatchObject({ userId: 'revoked-trpc' });
    await kit.revoke({ sub: 'revoked-trpc', before: Date.now() - 5_000 });
    await expect(client.me.query()).resolves.toMatchObject({ userId: 'revoked-trpc' });
    expect(server.connections() - before).toBe(2);
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('the same token back: the UNAUTHORIZED reaches the caller and the socket is kept (never loops)', async () => {
    const before = server.connections();
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 7_200_000 })]);
    const { client } = wsClientFor(source);
    const error = await client.me.query().catch((e: unknown) => e);
    expect(codeOf(error)).toBe('UNAUTHORIZED');
    expect(server.connections() - before).toBe(1);
    expect(source.calls.get).toBe(2);
  });

  it('a fresh token refused too is not replaced again', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 7_200_000 }), await issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 7_100_000 }), await issuer.mintToken({ sub: 'user-1' })]);
    const { client } = wsClientFor(source);
    const error = await client.me.query().catch((e: unknown) => e);
    expect(codeOf(error)).toBe('UNAUTHORIZED');
    expect(source.calls.get).toBe(2);
  });

  it('a FORBIDDEN (missing scope) is not retried', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }), await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' })]);
    const { client } = wsClientFor(source);
    expect(codeOf(await client.createPost.mutate({ title: 'x' }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(source.calls).toEqual({ get: 1, clear: 0 });
  });
});

describe('createTRPCClientAuth over HTTP links', () => {
  it('httpBatchLink with headers: an expired token is replaced once and the query succeeds', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 7_200_000 }), await issuer.mintToken({ sub: 'user-1' })]);
    const auth = createTRPCClientAuth(source);
    const client = createTRPCClient<AppRouter>({ links: [auth.link(), httpBatchLink({ url: server.url, headers: auth.headers })] });
    await expect(client.me.query()).resolves.toMatchObject({ userId: 'user-1' });
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('httpSubscriptionLink with connectionParams: a subscription whose token expires mid-stream goes on with a fresh token', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { expiresIn: 2 }), await issuer.mintToken({ sub: 'user-1' })]);
    const auth = createTRPCClientAuth(source);
    const before = HeaderEventSource.connections;
    const link: TRPCLink<AppRouter> = httpSubscriptionLink({ url: server.url, EventSource: HeaderEventSource, connectionParams: auth.connectionParams });
    const client = createTRPCClient<AppRouter>({ links: [auth.link(), link] });
    const outcome = await collect(client, restarted);
    expect(outcome.error).toBeUndefined();
    expect(HeaderEventSource.connections - before).toBe(2);
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });
});
