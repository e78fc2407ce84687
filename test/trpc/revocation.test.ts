/**
 * Logout reaches open tRPC connections: a WebSocket's calls re-verify their
 * token (a cache hit), and every stream ends when its subject is revoked.
 */
import { createTRPCClient, createWSClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError, wsLink } from '@trpc/client';
import { createAuthKit, createMemoryRevocationStore, type AuthKit, type RevocationStore } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { findAuthError } from 'logto-authkit/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeaderEventSource } from './event-source.js';
import { buildApp, startStandalone, type AppRouter, type RunningServer } from './harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: RunningServer;
/** Full verifications (signature + claims): the `claims` schema runs on a cache miss only. */
let verifications = 0;
/** Revocation-store lookups: one per verification, cached or not. */
let lookups = 0;

function countingStore(): RevocationStore {
  const store = createMemoryRevocationStore();
  return {
    getRevokedAt: (sub, iss) => (lookups++, store.getRevokedAt(sub, iss)),
    revoke: (revocation) => store.revoke(revocation),
    subscribe: (listener) => store.subscribe(listener),
  };
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({
    logtoUrl: issuer.logtoUrl,
    audience: issuer.audience,
    revocation: countingStore(),
    claims: { safeParse: (value: unknown) => (verifications++, { success: true as const, data: value as Record<string, unknown> }) },
  });
  const app = buildApp(kit);
  server = await startStandalone(app.router, app.createContext);
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

const socket = class extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, {});
  }
} as unknown as typeof globalThis.WebSocket;

function wsClient(token: string) {
  const ws = createWSClient({ url: server.wsUrl, WebSocket: socket, connectionParams: () => ({ token }), retryDelayMs: () => 50 });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), close: () => ws.close() };
}

const sseClient = (token: string) =>
  createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: server.url, EventSource: HeaderEventSource, eventSourceOptions: { headers: { authorization: `Bearer ${token}` } } }),
        false: httpLink({ url: server.url, headers: { authorization: `Bearer ${token}` } }),
      }),
    ],
  });

interface StreamEnd {
  events: number;
  error: TRPCClientError<AppRouter>;
  /** Date.now() when the error arrived. */
  at: number;
}

/** Subscribes to `ticks`; `started` resolves at the first event, `ended` at the error that ends the stream. */
function watch(client: ReturnType<typeof createTRPCClient<AppRouter>>) {
  let events = 0;
  let onFirst: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onFirst = resolve));
  const ended = new Promise<StreamEnd>((resolve) => {
    client.ticks.subscribe(undefined, {
      onData() {
        if (++events === 1) onFirst();
      },
      onError(error) {
        resolve({ events, error: error as TRPCClientError<AppRouter>, at: Date.now() });
      },
    });
  });
  return { started, ended };
}

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined);

describe('a WebSocket opened before the logout', () => {
  it('refuses its mutations with UNAUTHORIZED (token_revoked) once the user is revoked', async () => {
    const token = await issuer.mintToken({ sub: 'ws-mutator', scope: 'write:posts' });
    const { client, close } = wsClient(token);
    try {
      expect(await client.createPost.mutate({ title: 'before' })).toEqual({ title: 'before', by: 'ws-mutator' });
      await kit.revoke({ sub: 'ws-mutator', before: Date.now() + 1_000 });
      // The same token over HTTP is refused now, and so must it be on the open socket.
      const overHttp = await createTRPCClient<AppRouter>({ links: [httpLink({ url: server.url, headers: { authorization: `Bearer ${token}` } })] })
        .createPost.mutate({ title: 'http' })
        .catch((e: unknown) => e);
      expect(codeOf(overHttp)).toBe('UNAUTHORIZED');
      const error = await client.createPost.mutate({ title: 'after' }).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('UNAUTHORIZED');
      expect((error as Error).message).toMatch(/revoked/);
    } finally {
      close();
    }
  });

  it('re-verifies each call from the token cache: no new signature check, no JWKS fetch', async () => {
    const token = await issuer.mintToken({ sub: 'ws-counter', scope: 'write:posts' });
    const { client, close } = wsClient(token);
    try {
      await client.me.query();
      const [before, fetches, looked] = [verifications, kit.jwks.fetchCount, lookups];
      for (let i = 0; i < 20; i++) await client.createPost.mutate({ title: `t${i}` });
      // Each call was verified again (the store was asked each time), all from the cache.
      expect(lookups - looked).toBe(20);
      expect(verifications).toBe(before);
      expect(kit.jwks.fetchCount).toBe(fetches);
    } finally {
      close();
    }
  });

  it('ends its subscription with UNAUTHORIZED within 1 s of the revocation', async () => {
    const token = await issuer.mintToken({ sub: 'ws-streamer' });
    const { client, close } = wsClient(token);
    try {
      const stream = watch(client);
      await stream.started;
      const revokedAt = Date.now();
      await kit.revoke({ sub: 'ws-streamer', before: revokedAt + 1_000 });
      const end = await Promise.race([stream.ended, new Promise<undefined>((resolve) => setTimeout(resolve, 1_000))]);
      expect(end, 'the stream was still open 1 s after the logout').toBeDefined();
      expect(codeOf(end?.error)).toBe('UNAUTHORIZED');
      expect(end?.error.message).toMatch(/revoked/);
    } finally {
      close();
    }
  });
});

describe('an SSE subscription opened before the logout', () => {
  it('ends with UNAUTHORIZED within 1 s of the revocation', async () => {
    const token = await issuer.mintToken({ sub: 'sse-streamer' });
    const stream = watch(sseClient(token));
    await stream.started;
    await kit.revoke({ sub: 'sse-streamer', before: Date.now() + 1_000 });
    const end = await Promise.race([stream.ended, new Promise<undefined>((resolve) => setTimeout(resolve, 1_000))]);
    expect(end, 'the stream was still open 1 s after the logout').toBeDefined();
    expect(codeOf(end?.error)).toBe('UNAUTHORIZED');
  });

  it('keeps streaming for another user', async () => {
    const token = await issuer.mintToken({ sub: 'sse-bystander' });
    const client = sseClient(token);
    let events = 0;
    let failed: unknown;
    const sub = client.ticks.subscribe(undefined, { onData: () => events++, onError: (e) => (failed = e) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await kit.revoke({ sub: 'someone-else', before: Date.now() + 1_000 });
    const seen = events;
    await new Promise((resolve) => setTimeout(resolve, 300));
    sub.unsubscribe();
    expect(failed).toBeUndefined();
    expect(events).toBeGreaterThan(seen);
    expect(findAuthError(failed)).toBeUndefined();
  });
});
