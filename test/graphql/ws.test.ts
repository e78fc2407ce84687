import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createWSAuthContext } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { startYogaServer, type TestServer } from './harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  server = await startYogaServer(kit);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server.close();
  kit.close();
  await issuer.close();
});

interface Result {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

function connect(url: string, connectionParams?: unknown): { client: Client; closes: number[] } {
  const closes: number[] = [];
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    connectionParams: connectionParams as Record<string, unknown> | undefined,
    on: { closed: (event) => void closes.push((event as { code: number }).code) },
  });
  clients.push(client);
  return { client, closes };
}

/** Up to `max` results of an operation, and how it ended. */
async function collect(client: Client, query: string, max = 3): Promise<{ results: Result[]; error?: unknown }> {
  const results: Result[] = [];
  try {
    for await (const result of client.iterate({ query })) {
      results.push(result as Result);
      if (results.length >= max) break;
    }
  } catch (error) {
    return { results, error };
  }
  return { results };
}

/** Open a raw socket, send a connection_init, resolve with the close code (or 'ack'). */
function rawInit(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<number | 'ack'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') {
        socket.close();
        resolve('ack');
      }
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

describe('graphql-ws connection_init', () => {
  it('a bad token closes the socket with 4403', async () => {
    const forged = (await issuer.mintToken()).slice(0, -4) + 'AAAA';
    const { client, closes } = connect(server.wsUrl, { token: forged });
    const { error } = await collect(client, '{ health }');
    expect((error as { code?: number }).code).toBe(4403);
    expect(closes).toEqual([4403]);
  });

  it.each([
    ['a token that is not a string', { token: 42 }],
    ['an authorization that is not a string', { authorization: ['Bearer x'] }],
  ])('%s gives an authentication error (4403), and the server keeps serving', async (_name, payload) => {
    expect(await rawInit(server.wsUrl, payload)).toBe(4403);
    expect(await rawInit(server.wsUrl, { token: await issuer.mintToken() })).toBe('ack');
  });

  it('connectionParams that are not an object are refused by graphql-ws itself (4400), and the server keeps serving', async () => {
    expect(await rawInit(server.wsUrl, 'Bearer x')).toBe(4400);
    expect(await rawInit(server.wsUrl, [1, 2])).toBe(4400);
    expect(await rawInit(server.wsUrl, { token: await issuer.mintToken() })).toBe('ack');
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'Bearer x'],
    ['a number', 7],
  ])('createWSAuthContext turns connectionParams that are %s into invalid_token, never a throw', async (_name, params) => {
    const auth = await createWSAuthContext(kit, params, undefined);
    expect(auth).toMatchObject({ status: 'anonymous', error: { code: 'invalid_token', status: 401 } });
  });

  it('no token is accepted: public operations work, protected ones report UNAUTHENTICATED with http.status', async () => {
    const { client } = connect(server.wsUrl);
    expect((await collect(client, '{ health }')).results).toEqual([{ data: { health: 'ok' } }]);
    const { results } = await collect(client, '{ me { id } }');
    expect(results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
  });

  it('a cookie on a cross-site upgrade is refused (cross-site WebSocket hijacking), on a same-site one accepted', async () => {
    const cookie = `logto_authtoken=${await issuer.mintToken()}`;
    const host = new URL(server.wsUrl).host;
    expect(await rawInit(server.wsUrl, undefined, { cookie, origin: 'https://evil.example' })).toBe(4403);
    expect(await rawInit(server.wsUrl, undefined, { cookie, origin: `http://${host}` })).toBe('ack');
  });
});

describe('graphql-ws subscriptions', () => {
  it('re-checks scopes on each subscribe', async () => {
    const { client } = connect(server.wsUrl, { token: await issuer.mintToken({ scope: 'read:posts' }) });
    const denied = await collect(client, 'subscription { adminTicks }');
    expect(denied.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['admin'], http: { status: 403 } });
    const allowed = await collect(client, 'subscription { ticks }', 3);
    expect(allowed.results.map((r) => r.data)).toEqual([{ ticks: 0 }, { ticks: 1 }, { ticks: 2 }]);
  });

  it('accepts the token as an Authorization value too', async () => {
    const { client } = connect(server.wsUrl, { authorization: `Bearer ${await issuer.mintToken({ scope: 'admin' })}` });
    expect((await collect(client, 'subscription { adminTicks }', 1)).results).toEqual([{ data: { adminTicks: 0 } }]);
  });

  it("ends the socket's subscriptions at the token's exp + clockTolerance (close 4403)", async () => {
    // 3 s past `exp` at connect, inside the kit's default 5 s clockTolerance: 2 s of stream left.
    const token = await issuer.mintToken({}, { now: Date.now() - 63_000, expiresIn: 60 });
    const deadline = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000 + 5_000;
    const { client, closes } = connect(server.wsUrl, { token });
    const { results, error } = await collect(client, 'subscription { ticks }', 10_000);
    expect(results.length).toBeGreaterThan(3);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline - 50);
    expect(results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
    expect(error).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closes).toContain(4403);
  });

  it('an identity-provider outage does not close the socket; protected operations report SERVICE_UNAVAILABLE', async () => {
    const dead = createAuthKit({ issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:1/oidc/jwks', audience: issuer.audience, jwksTimeout: 500 });
    const down = await startYogaServer(dead);
    try {
      const { client } = connect(down.wsUrl, { token: await issuer.mintToken() });
      const { results } = await collect(client, 'subscription { ticks }');
      expect(results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503 } });
      expect((await collect(client, '{ health }')).results).toEqual([{ data: { health: 'ok' } }]);
      await client.dispose();
    } finally {
      await down.close();
      dead.close();
    }
  });
});
