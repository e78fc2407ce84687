import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createAuthKit, createMemoryRevocationStore, type AuthKit } from 'logto-authkit';
import { createAuthFetch, type FetchFunction } from 'logto-authkit/client';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, startStandalone, type AppRouter, type RunningServer } from '../trpc/harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: RunningServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, clockTolerance: 0, revocation: createMemoryRevocationStore() });
  const app = buildApp(kit);
  server = await startStandalone(app.router, app.createContext);
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

/** A `fetch` that records the Authorization header and status of every request it sends. */
function recordingFetch(): { fetch: FetchFunction; sent: { authorization: string | null; status: number }[] } {
  const sent: { authorization: string | null; status: number }[] = [];
  return {
    sent,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request);
      sent.push({ authorization: request.headers.get('authorization'), status: response.status });
      return response;
    },
  };
}

/** A token source handing out `tokens` in turn (the last one forever), counting calls. */
function tokenSource(tokens: (string | null)[]) {
  const calls = { get: 0, clear: 0 };
  return {
    calls,
    getAccessToken: async () => tokens[Math.min(calls.get++, tokens.length - 1)] ?? null,
    clearAccessToken: async () => void calls.clear++,
  };
}

const expired = () => issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 7_200_000, expiresIn: 60 });
const valid = (sub = 'user-1') => issuer.mintToken({ sub });
const me = (authFetch: FetchFunction) => authFetch(`${server.url}/me`);

describe('createAuthFetch against the tRPC standalone server', () => {
  it('sends the token as a Bearer credential', async () => {
    const token = await valid();
    const { fetch: base, sent } = recordingFetch();
    const response = await me(createAuthFetch({ getAccessToken: async () => token, fetch: base }));
    expect(response.status).toBe(200);
    expect(sent).toEqual([{ authorization: `Bearer ${token}`, status: 200 }]);
  });

  it('on 401 invalid_token for an expired token, clears the cache, gets a fresh token once and retries once', async () => {
    const [old, fresh] = [await expired(), await valid()];
    const source = tokenSource([old, fresh]);
    const { fetch: base, sent } = recordingFetch();
    const response = await me(createAuthFetch({ ...source, fetch: base }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: { data: { userId: 'user-1' } } });
    expect(sent).toEqual([
      { authorization: `Bearer ${old}`, status: 401 },
      { authorization: `Bearer ${fresh}`, status: 200 },
    ]);
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('a revoked token is replaced once', async () => {
    const revokedToken = await issuer.mintToken({ sub: 'revoked-user' }, { now: Date.now() - 10_000 });
    await kit.revoke({ sub: 'revoked-user', before: Date.now() - 5_000 });
    const fresh = await issuer.mintToken({ sub: 'revoked-user' });
    const source = tokenSource([revokedToken, fresh]);
    const { fetch: base, sent } = recordingFetch();
    expect((await me(createAuthFetch({ ...source, fetch: base }))).status).toBe(200);
    expect(sent.map((s) => s.status)).toEqual([401, 200]);
  });

  it('when the source gives the same token back, returns the 401 without a second request (never loops)', async () => {
    const old = await expired();
    const source = tokenSource([old]);
    const { fetch: base, sent } = recordingFetch();
    const response = await me(createAuthFetch({ ...source, fetch: base }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    expect(sent).toHaveLength(1);
    expect(source.calls.get).toBe(2);
  });

  it('a fresh token that is refused too is not replaced again: two requests at most', async () => {
    const source = tokenSource([await expired(), await expired(), await valid()]);
    const { fetch: base, sent } = recordingFetch();
    expect((await me(createAuthFetch({ ...source, fetch: base }))).status).toBe(401);
    expect(sent.map((s) => s.status)).toEqual([401, 401]);
    expect(source.calls.get).toBe(2);
  });

  it('a refresh that fails (the refresh token expired too) returns the 401', async () => {
    const old = await expired();
    let gets = 0;
    const getAccessToken = async () => {
      if (gets++ > 0) throw new Error('not authenticated');
      return old;
    };
    const { fetch: base, sent } = recordingFetch();
    const response = await me(createAuthFetch({ getAccessToken, fetch: base }));
    expect(response.status).toBe(401);
    expect(sent).toHaveLength(1);
    expect(gets).toBe(2);
  });

  it('a 403 (missing scope) is returned without asking for a new token', async () => {
    const source = tokenSource([await valid(), await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' })]);
    const { fetch: base, sent } = recordingFetch();
    const response = await createAuthFetch({ ...source, fetch: base })(`${server.url}/createPost`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x' }),
    });
    expect(response.status).toBe(403);
    expect(sent).toHaveLength(1);
    expect(source.calls).toEqual({ get: 1, clear: 0 });
  });

  it('without a token the request goes out bare and its 401 (no invalid_token) is not retried', async () => {
    const source = tokenSource([null, 'never-used']);
    const { fetch: base, sent } = recordingFetch();
    expect((await me(createAuthFetch({ ...source, fetch: base }))).status).toBe(401);
    expect(sent).toEqual([{ authorization: null, status: 401 }]);
    expect(source.calls.get).toBe(1);
  });

  it('a request’s own Authorization header is replaced by the token, and kept when there is none', async () => {
    const token = await valid();
    const { fetch: base, sent } = recordingFetch();
    await createAuthFetch({ getAccessToken: async () => token, fetch: base })(`${server.url}/me`, { headers: { authorization: 'Bearer stale' } });
    await createAuthFetch({ getAccessToken: async () => null, fetch: base })(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(sent).toEqual([
      { authorization: `Bearer ${token}`, status: 200 },
      { authorization: `Bearer ${token}`, status: 200 },
    ]);
  });

  it('resends the body of a POST on the retry', async () => {
    const source = tokenSource([await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' }, { now: Date.now() - 7_200_000 }), await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' })]);
    const response = await createAuthFetch(source)(`${server.url}/createPost`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'twice' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: { data: { title: 'twice', by: 'user-1' } } });
  });

  it('concurrent requests refused with the same token share one refresh', async () => {
    const source = tokenSource([await expired(), await valid()]);
    const authFetch = createAuthFetch(source);
    const statuses = await Promise.all([me(authFetch), me(authFetch), me(authFetch)].map(async (r) => (await r).status));
    expect(statuses).toEqual([200, 200, 200]);
    expect(source.calls.clear).toBe(1);
  });

  it('works as the fetch of tRPC’s httpBatchLink', async () => {
    const source = tokenSource([await expired(), await valid()]);
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: server.url, fetch: createAuthFetch(source) })] });
    await expect(client.me.query()).resolves.toMatchObject({ userId: 'user-1' });
    expect(source.calls).toEqual({ get: 2, clear: 1 });
    const stuck = tokenSource([await expired()]);
    const stuckClient = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: server.url, fetch: createAuthFetch(stuck) })] });
    const error = await stuckClient.me.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
  });
});

describe('createAuthFetch options', () => {
  it('throws a TypeError naming a bad option', () => {
    expect(() => createAuthFetch({ getAccessToken: 'x' as never })).toThrow(/getAccessToken/);
    expect(() => createAuthFetch({ getAccessToken: async () => null, retryUnavailable: { maxWaitSeconds: -1 } })).toThrow(/maxWaitSeconds/);
    expect(() => createAuthFetch({ getAccessToken: async () => null, clearAccessToken: 1 as never })).toThrow(/clearAccessToken/);
  });

  it('passes resource and organizationId to getAccessToken', async () => {
    const seen: unknown[][] = [];
    const authFetch = createAuthFetch({ getAccessToken: async (...args) => (seen.push(args), null), resource: 'https://api.test', organizationId: 'org-1' });
    await me(authFetch);
    expect(seen).toEqual([['https://api.test', 'org-1']]);
  });
});
