import { createClient, type Client } from 'graphql-ws';
import { createAuthKit, createMemoryRevocationStore, type AuthKit } from 'logto-authkit';
import { createGraphQLWSClientAuth, type GraphQLWSResult } from 'logto-authkit/client';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startYogaServer, type TestServer } from '../graphql/harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  // clockTolerance 0: a subscription ends at its token's `exp`.
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, clockTolerance: 0, revocation: createMemoryRevocationStore() });
  server = await startYogaServer(kit);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

/** A token source handing out `tokens` in turn (the last one forever). */
function tokenSource(tokens: string[]) {
  const calls = { get: 0, clear: 0 };
  return { calls, getAccessToken: async () => tokens[Math.min(calls.get++, tokens.length - 1)] ?? null, clearAccessToken: async () => void calls.clear++ };
}

function connect(auth: ReturnType<typeof createGraphQLWSClientAuth>, url = server.wsUrl) {
  const closes: number[] = [];
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: auth.connectionParams,
    shouldRetry: auth.shouldRetry,
    retryWait: async () => undefined,
    on: { closed: (event) => void closes.push((event as { code: number }).code) },
  });
  clients.push(client);
  return { client, closes };
}

interface Outcome {
  results: GraphQLWSResult[];
  error?: unknown;
  completed: boolean;
}

/** Subscribes through `auth.subscribe` until `done(results)` or the end. */
function collect(auth: ReturnType<typeof createGraphQLWSClientAuth>, client: Client, query: string, done: (results: GraphQLWSResult[]) => boolean): Promise<Outcome> {
  const outcome: Outcome = { results: [], completed: false };
  return new Promise((resolve) => {
    const stop = auth.subscribe(client, { query }, {
      next(result) {
        outcome.results.push(result);
        if (done(outcome.results)) {
          stop();
          resolve(outcome);
        }
      },
      error(error) {
        outcome.error = error;
        resolve(outcome);
      },
      complete() {
        outcome.completed = true;
        resolve(outcome);
      },
    });
  });
}

/** True once the ticks started over from 0 (the subscription was made again). */
const restarted = (results: GraphQLWSResult[]) => results.filter((r) => (r.data as { ticks?: number } | undefined)?.ticks === 0).length >= 2;

describe('createGraphQLWSClientAuth against Yoga over graphql-ws', () => {
  it('a subscription whose token expires mid-stream goes on over a new socket with a fresh token', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { expiresIn: 2 }), await issuer.mintToken({ sub: 'user-1' })]);
    const auth = createGraphQLWSClientAuth(source);
    const { client, closes } = connect(auth);
    const outcome = await collect(auth, client, 'subscription { ticks }', restarted);
    expect(outcome.error).toBeUndefined();
    expect(outcome.completed).toBe(false);
    // The expiry error was handled, never shown to the subscriber.
    expect(outcome.results.every((r) => r.errors === undefined)).toBe(true);
    // The old socket is gone (4403 from the server, or 1000 from the lazy client first); the new one got the fresh token.
    expect(closes.length).toBeGreaterThanOrEqual(1);
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('a subscription whose subject is revoked goes on with a fresh token', async () => {
    // The fresh token is issued after the revocation's `before`, the old one before it.
    const source = tokenSource([await issuer.mintToken({ sub: 'revoked-ws' }, { now: Date.now() - 10_000 }), await issuer.mintToken({ sub: 'revoked-ws' })]);
    const auth = createGraphQLWSClientAuth(source);
    const { client, closes } = connect(auth);
    const outcome = await collect(auth, client, 'subscription { ticks }', (results) => {
      if (results.length === 2) void kit.revoke({ sub: 'revoked-ws', before: Date.now() - 5_000 });
      return restarted(results);
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.results.every((r) => r.errors === undefined)).toBe(true);
    // The old socket is gone (4403 from the server, or 1000 from the lazy client first); the new one got the fresh token.
    expect(closes.length).toBeGreaterThanOrEqual(1);
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('a token refused at connect (close 4403) is replaced once and the subscription runs', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 7_200_000 }), await issuer.mintToken({ sub: 'user-1' })]);
    const auth = createGraphQLWSClientAuth(source);
    const { client, closes } = connect(auth);
    const outcome = await collect(auth, client, 'subscription { ticks }', (results) => results.length >= 2);
    expect(outcome.results.map((r) => r.data)).toEqual([{ ticks: 0 }, { ticks: 1 }]);
    expect(closes).toEqual([4403]);
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('the same token back after 4403: the client stops (close 4005, not retried) instead of looping', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 7_200_000 })]);
    const auth = createGraphQLWSClientAuth(source);
    const { client, closes } = connect(auth);
    const outcome = await collect(auth, client, 'subscription { ticks }', () => false);
    expect(outcome.results).toEqual([]);
    expect(outcome.error).toBeInstanceOf(Error);
    expect((outcome.error as Error).message).toMatch(/no new one could be had/);
    expect(closes[0]).toBe(4403);
    expect(source.calls.get).toBe(2);
  });

  it('a token that expires with no fresh one: the last error and the end reach the subscriber', async () => {
    const token = await issuer.mintToken({ sub: 'user-1' }, { expiresIn: 2 });
    const source = tokenSource([token]);
    const auth = createGraphQLWSClientAuth(source);
    const { client } = connect(auth);
    const outcome = await collect(auth, client, 'subscription { ticks }', () => false);
    expect(outcome.completed).toBe(true);
    expect(outcome.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });
});

describe('createGraphQLWSClientAuth close codes', () => {
  for (const code of [4401, 4400]) {
    it(`close ${code} stops the client: one connection, no retry`, async () => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'graphql-transport-ws' });
      let connections = 0;
      wss.on('connection', (socket) => {
        connections++;
        socket.close(code, 'refused');
      });
      await new Promise((resolve) => wss.once('listening', resolve));
      try {
        const auth = createGraphQLWSClientAuth(tokenSource([await issuer.mintToken()]));
        const { client } = connect(auth, `ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
        const outcome = await collect(auth, client, 'subscription { ticks }', () => false);
        expect(outcome.error).toMatchObject({ code });
        expect(connections).toBe(1);
      } finally {
        await new Promise((resolve) => wss.close(resolve));
      }
    });
  }

  it('shouldRetry: 4403 and other close events yes; 4401, 4400 and non-close errors no', () => {
    const auth = createGraphQLWSClientAuth({ getAccessToken: async () => null });
    expect(auth.shouldRetry({ code: 4403, reason: 'token_expired' })).toBe(true);
    expect(auth.shouldRetry({ code: 1006, reason: '' })).toBe(true);
    expect(auth.shouldRetry({ code: 4401, reason: '' })).toBe(false);
    expect(auth.shouldRetry({ code: 4400, reason: '' })).toBe(false);
    expect(auth.shouldRetry(new Error('network'))).toBe(false);
  });
});
