/**
 * Logout and expiry reach open GraphQL streams: graphql-ws subscriptions (and
 * their socket) and GraphQL over SSE end within a second of the revocation,
 * and both hold a token to the same `exp + clockTolerance` as a request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createAuthKit, createMemoryRevocationStore, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { startYogaServer, type TestServer } from './harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: createMemoryRevocationStore(), clockTolerance: 5 });
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

const withinOneSecond = <T>(promise: Promise<T>): Promise<T | 'still open'> =>
  Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 1_000))]);

/** A graphql-ws client that records how its socket closed. */
function connect(token: string): { client: Client; closed: Promise<number> } {
  let onClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { token },
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  clients.push(client);
  return { client, closed };
}

/** Subscribe; `started` resolves at the first event, `ended` with the results and how the subscription ended. */
function subscribe(client: Client, query: string) {
  const results: Result[] = [];
  let onFirst: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onFirst = resolve));
  const ended = new Promise<{ results: Result[]; error?: unknown }>((resolve) => {
    client.subscribe(
      { query },
      {
        next: (result) => {
          results.push(result as Result);
          if (results.length === 1) onFirst();
        },
        error: (error) => resolve({ results, error }),
        complete: () => resolve({ results }),
      },
    );
  });
  return { started, ended };
}

/** GraphQL over SSE (Yoga's GraphQL-over-SSE "distinct connections" mode): events until `complete` or the server ends the response. */
function sse(token: string, query: string) {
  const results: Result[] = [];
  let onFirst: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onFirst = resolve));
  const controller = new AbortController();
  const ended = (async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const type = /^event: (.*)$/m.exec(event)?.[1];
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (type === 'complete') return { results, completed: true };
        if (type === 'next' && data) {
          results.push(JSON.parse(data) as Result);
          if (results.length === 1) onFirst();
        }
      }
    }
    return { results, completed: false };
  })();
  return { started, ended, abort: () => controller.abort() };
}

describe('graphql-ws after a logout', () => {
  it('ends the subscription with UNAUTHENTICATED token_revoked and closes the socket with 4403, within 1 s', async () => {
    const { client, closed } = connect(await issuer.mintToken({ sub: 'ws-reader' }));
    const stream = subscribe(client, 'subscription { ticks }');
    await stream.started;
    await kit.revoke({ sub: 'ws-reader', before: Date.now() + 1_000 });
    const end = await withinOneSecond(stream.ended);
    expect(end, 'the subscription was still streaming 1 s after the logout').not.toBe('still open');
    if (end === 'still open') return;
    const last = end.results.at(-1);
    // The error reaches the subscription first; the socket then closes (its only token is revoked).
    expect(last?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_revoked' });
    expect(await withinOneSecond(closed)).toBe(4403);
  });

  it('leaves the sockets of other users open', async () => {
    const { client } = connect(await issuer.mintToken({ sub: 'ws-bystander' }));
    const stream = subscribe(client, 'subscription { ticks }');
    await stream.started;
    await kit.revoke({ sub: 'ws-someone-else', before: Date.now() + 1_000 });
    expect(await Promise.race([stream.ended, new Promise((resolve) => setTimeout(() => resolve('streaming'), 300))])).toBe('streaming');
  });
});

describe('GraphQL over SSE after a logout', () => {
  it('ends the stream with UNAUTHENTICATED token_revoked within 1 s', async () => {
    const stream = sse(await issuer.mintToken({ sub: 'sse-reader' }), 'subscription { ticks }');
    try {
      await stream.started;
      await kit.revoke({ sub: 'sse-reader', before: Date.now() + 1_000 });
      const end = await withinOneSecond(stream.ended);
      expect(end, 'the SSE stream was still open 1 s after the logout').not.toBe('still open');
      if (end === 'still open') return;
      expect(end.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_revoked' });
    } finally {
      stream.abort();
    }
  });
});

describe('one expiry rule: exp + clockTolerance', () => {
  // Minted 61 s ago with a 60 s lifetime: 1 s past `exp`, inside the 5 s the kit grants any request.
  const justExpired = () => issuer.mintToken({}, { now: Date.now() - 61_000, expiresIn: 60 });

  it('a graphql-ws subscription streams while the token is inside clockTolerance', async () => {
    const { client } = connect(await justExpired());
    const stream = subscribe(client, 'subscription { ticks }');
    await withinOneSecond(stream.started);
    const early = await Promise.race([stream.ended, new Promise((resolve) => setTimeout(() => resolve('streaming'), 200))]);
    expect(early).toBe('streaming');
  });

  it('an SSE subscription streams while the token is inside clockTolerance', async () => {
    const stream = sse(await justExpired(), 'subscription { ticks }');
    try {
      await withinOneSecond(stream.started);
      const early = await Promise.race([stream.ended, new Promise((resolve) => setTimeout(() => resolve('streaming'), 200))]);
      expect(early).toBe('streaming');
    } finally {
      stream.abort();
    }
  });
});
