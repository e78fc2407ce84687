import { setTimeout as sleep } from 'node:timers/promises';
import { createTRPCClient, createWSClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError, wsLink } from '@trpc/client';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { createTRPCContext, expiryError, untilTokenExpires } from 'logto-authkit/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startOidcProvider } from '../helpers/oidc-provider.js';
import { HeaderEventSource } from './event-source.js';
import { buildApp, startStandalone, type AppRouter, type RunningServer } from './harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: RunningServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  // clockTolerance 0: a subscription then ends exactly at `exp`.
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, clockTolerance: 0 });
  const app = buildApp(kit);
  server = await startStandalone(app.router, app.createContext);
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

interface Outcome {
  data: { i: number; userId: string }[];
  error?: TRPCClientError<AppRouter>;
  /** ms from subscribing to the error. */
  endedAfter?: number;
}

type TicksClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/** Subscribes to `ticks` until `count` events arrive or an error ends it. */
function collect(client: TicksClient, count: number): Promise<Outcome> {
  const started = Date.now();
  const outcome: Outcome = { data: [] };
  return new Promise((resolve) => {
    const sub = client.ticks.subscribe(undefined, {
      onData(value) {
        outcome.data.push(value);
        if (outcome.data.length >= count) {
          sub.unsubscribe();
          resolve(outcome);
        }
      },
      onError(error) {
        outcome.error = error as TRPCClientError<AppRouter>;
        outcome.endedAfter = Date.now() - started;
        resolve(outcome);
      },
    });
  });
}

const sseClient = (headers: Record<string, string> = {}) =>
  createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: server.url, EventSource: HeaderEventSource, eventSourceOptions: { headers } }),
        false: httpLink({ url: server.url, headers }),
      }),
    ],
  });

/** A `ws` WebSocket whose upgrade request carries `headers` (a browser would send its cookies). */
const socketWith = (options: WebSocket.ClientOptions) =>
  class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  } as unknown as typeof globalThis.WebSocket;

function wsClient(opts: { token?: string; params?: Record<string, string>; socket?: WebSocket.ClientOptions }) {
  const params = opts.params ?? (opts.token === undefined ? undefined : { token: opts.token });
  const ws = createWSClient({
    url: server.wsUrl,
    WebSocket: socketWith(opts.socket ?? {}),
    ...(params ? { connectionParams: () => params } : {}),
    retryDelayMs: () => 50,
  });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), close: () => ws.close() };
}

describe('SSE subscriptions (httpSubscriptionLink)', () => {
  it('are authenticated by the Authorization header', async () => {
    const token = await issuer.mintToken({ sub: 'sse-user' });
    const outcome = await collect(sseClient({ authorization: `Bearer ${token}` }), 3);
    expect(outcome.error).toBeUndefined();
    expect(outcome.data.map((d) => d.userId)).toEqual(['sse-user', 'sse-user', 'sse-user']);
  });

  it('end with UNAUTHORIZED without a token, and the client does not reconnect', async () => {
    const before = HeaderEventSource.connections;
    const outcome = await collect(sseClient(), 1);
    expect(outcome.error?.data?.code).toBe('UNAUTHORIZED');
    await sleep(300);
    expect(HeaderEventSource.connections - before).toBe(1);
  });
});

describe('WebSocket subscriptions (wsLink + applyWSSHandler)', () => {
  it('are authenticated by connectionParams.token', async () => {
    const token = await issuer.mintToken({ sub: 'ws-user', scope: 'read:posts' });
    const { client, close } = wsClient({ token });
    try {
      const outcome = await collect(client, 3);
      expect(outcome.data.map((d) => d.userId)).toEqual(['ws-user', 'ws-user', 'ws-user']);
      expect(await client.me.query()).toEqual({ userId: 'ws-user', scopes: ['read:posts'] });
    } finally {
      close();
    }
  });

  it('are authenticated by the cookie of the upgrade request', async () => {
    const token = await issuer.mintToken({ sub: 'cookie-user' });
    const { client, close } = wsClient({ socket: { headers: { cookie: `logto_authtoken=${token}` } } });
    try {
      expect((await collect(client, 2)).data.map((d) => d.userId)).toEqual(['cookie-user', 'cookie-user']);
    } finally {
      close();
    }
  });

  it('refuse a cookie sent by a cross-site page (RFC 6455 §10.2 Origin check)', async () => {
    const token = await issuer.mintToken({ sub: 'victim' });
    const { client, close } = wsClient({ socket: { headers: { cookie: `logto_authtoken=${token}` }, origin: 'https://evil.example' } });
    try {
      const error = await client.me.query().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('FORBIDDEN');
    } finally {
      close();
    }
  });

  it.each([
    ['no token', {}],
    ['an invalid token', { token: 'not-a-jwt' }],
    ['connectionParams without a token', { params: { other: 'x' } }],
  ])('with %s: procedures fail with UNAUTHORIZED on one open connection, no reconnect loop', async (_, opts) => {
    const before = server.connections();
    const { client, close } = wsClient(opts);
    try {
      expect((await collect(client, 1)).error?.data?.code).toBe('UNAUTHORIZED');
      const error = await client.me.query().catch((e: unknown) => e);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
      expect(await client.health.query()).toEqual({ ok: true, status: 'anonymous' });
      await sleep(300);
      expect(server.connections() - before).toBe(1);
    } finally {
      close();
    }
  });

  it('accept a real oidc-provider token in connectionParams', async () => {
    const provider = await startOidcProvider();
    const realKit = createAuthKit({ logtoUrl: provider.logtoUrl, audience: 'https://api.example.test' });
    const app = buildApp(realKit);
    const realServer = await startStandalone(app.router, app.createContext);
    const token = await provider.clientCredentialsToken({ resource: 'https://api.example.test', scope: 'read:posts' });
    const ws = createWSClient({ url: realServer.wsUrl, WebSocket: socketWith({}), connectionParams: () => ({ token }) });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
      expect((await collect(client, 2)).data.map((d) => d.userId)).toEqual([provider.m2m.clientId, provider.m2m.clientId]);
    } finally {
      await ws.close();
      await realServer.close();
      realKit.close();
      await provider.close();
    }
  });
});

describe('token expiry during a subscription', () => {
  it('ends SSE and WebSocket subscriptions with UNAUTHORIZED at exp, and refuses later calls', async () => {
    const token = await issuer.mintToken({ sub: 'short-lived' }, { expiresIn: 2 });
    const expMs = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;
    const { client, close } = wsClient({ token });
    try {
      const [sse, ws] = await Promise.all([collect(sseClient({ authorization: `Bearer ${token}` }), 1_000), collect(client, 1_000)]);
      for (const outcome of [sse, ws]) {
        expect(outcome.error?.data?.code).toBe('UNAUTHORIZED');
        expect(outcome.error?.message).toMatch(/expired while the connection was open/);
        expect(outcome.data.length).toBeGreaterThan(2);
      }
      // Ended by the expiry (the message above), not before it; no upper bound in time (tests assert no times).
      expect(Date.now()).toBeGreaterThanOrEqual(expMs);
      // The WebSocket context was built while the token was valid; it is not any more.
      const error = await client.me.query().catch((e: unknown) => e);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
      expect((error as Error).message).toMatch(/expired while the connection was open/);
    } finally {
      close();
    }
  }, 10_000);
});

describe('expiryError and untilTokenExpires', () => {
  it('judge expiry by the kit’s injected clock and clockTolerance', async () => {
    let now = Date.now();
    const clockKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, now: () => now, clockTolerance: 5 });
    const token = await issuer.mintToken({}, { now, expiresIn: 60 });
    const { auth } = await createTRPCContext(clockKit)({ req: { headers: { authorization: `Bearer ${token}` } } });
    expect(auth.status).toBe('authenticated');
    expect(expiryError(auth)).toBeUndefined();
    now += 63_000; // past exp, within the 5 s tolerance the kit itself grants
    expect(expiryError(auth)).toBeUndefined();
    now += 3_000;
    expect(expiryError(auth)?.code).toBe('token_expired');
    const ended = await untilTokenExpires(auth, (async function* () { yield 1; })()).next().catch((e: unknown) => e);
    expect(ended).toMatchObject({ code: 'UNAUTHORIZED' });
    clockKit.close();
  });

  it('ends quietly on abort and lets a guest’s stream through', async () => {
    async function* forever() {
      for (let i = 0; ; i++) {
        yield i;
        await sleep(10);
      }
    }
    const { auth } = await createTRPCContext(kit)({});
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const value of untilTokenExpires(auth, forever(), { signal: controller.signal })) {
      seen.push(value);
      if (seen.length === 3) controller.abort();
    }
    expect(seen).toEqual([0, 1, 2]);
  });
});
