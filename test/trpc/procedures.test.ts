import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { createAuthKit, definePolicy, isAuthError, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { createTRPCContext, requireAuth } from 'logto-authkit/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { buildApp, startFetch, startStandalone, type AppRouter, type RunningServer } from './harness.js';

/** What tRPC passes a middleware for one query call at path `x`, with `ctx` and `next`. */
const callOf = (ctx: object, next: (opts?: unknown) => Promise<unknown>) =>
  ({ ctx, type: 'query', path: 'x', input: undefined, getRawInput: async () => undefined, meta: undefined, signal: undefined, batchIndex: 0, next }) as never;

let issuer: TestIssuer;
let kit: AuthKit;
let app: ReturnType<typeof buildApp>;
const servers: Record<'standalone' | 'fetch', RunningServer> = {} as Record<'standalone' | 'fetch', RunningServer>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, allowGuest: false });
  app = buildApp(kit);
  servers.standalone = await startStandalone(app.router, app.createContext);
  servers.fetch = await startFetch(app.router, app.createContext);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  kit.close();
  await issuer.close();
});

const client = (url: string, token?: string, batch = false) =>
  createTRPCClient<AppRouter>({
    links: [(batch ? httpBatchLink : httpLink)({ url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })],
  });

async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  return error as TRPCClientError<AppRouter>;
}

describe.each(['standalone', 'fetch'] as const)('tRPC procedures over the %s adapter', (name) => {
  const url = () => servers[name].url;

  it('public procedures keep working with a bad or an expired token', async () => {
    const expired = await issuer.mintToken({}, { now: Date.now() - 7_200_000 });
    expect(await client(url(), 'not-a-jwt').health.query()).toEqual({ ok: true, status: 'anonymous' });
    expect(await client(url(), expired).health.query()).toEqual({ ok: true, status: 'anonymous' });
  });

  it('protected: a valid token passes and ctx.auth carries the user', async () => {
    const token = await issuer.mintToken({ sub: 'user-1', scope: 'read:posts' });
    expect(await client(url(), token).me.query()).toEqual({ userId: 'user-1', scopes: ['read:posts'] });
  });

  it('protected: UNAUTHORIZED without a token and with an expired one', async () => {
    expect((await trpcError(client(url()).me.query())).data?.code).toBe('UNAUTHORIZED');
    const expired = await issuer.mintToken({}, { now: Date.now() - 7_200_000 });
    const error = await trpcError(client(url(), expired).me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.httpStatus).toBe(401);
    expect(error.message).toMatch(/expired/);
    expect(error.message).not.toContain(expired);
  });

  it('scoped: FORBIDDEN naming the missing scope, never the token', async () => {
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const error = await trpcError(client(url(), token).createPost.mutate({ title: 'x' }));
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.message).toContain('write:posts');
    expect(error.message).not.toContain(token);
    const writer = await issuer.mintToken({ sub: 'writer', scope: 'read:posts write:posts' });
    expect(await client(url(), writer).createPost.mutate({ title: 'x' })).toEqual({ title: 'x', by: 'writer' });
  });

  it('anyScopes: one of the scopes is enough', async () => {
    expect(await client(url(), await issuer.mintToken({ scope: 'editor' })).anyScope.query()).toBe('ok');
    const error = await trpcError(client(url(), await issuer.mintToken({ scope: 'read:posts' })).anyScope.query());
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.message).toContain('admin editor');
  });

  it('raw HTTP: 401 with a Bearer challenge, 403 with insufficient_scope', async () => {
    const missing = await fetch(`${url()}/me`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(missing.headers.get('cache-control')).toBe('no-store');

    const bad = await fetch(`${url()}/me`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token"/);

    const token = await issuer.mintToken({ scope: 'read:posts' });
    const forbidden = await fetch(`${url()}/createPost`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x' }),
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(forbidden.headers.get('www-authenticate')).toContain('scope="write:posts"');
  });

  it('raw HTTP: a batch mixing a public success and an auth failure keeps tRPC’s 207', async () => {
    const response = await fetch(`${url()}/health,me?batch=1&input=${encodeURIComponent('{}')}`);
    expect(response.status).toBe(207);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('policy: allows the owner, denies others with FORBIDDEN', async () => {
    const token = await issuer.mintToken({ sub: 'owner-1' });
    expect(await client(url(), token).owned.query({ id: 'owner-1' })).toBe('owner-1');
    expect(await client(url(), token).ownedRaw.query({ id: 'owner-1' })).toBe('owner-1');
    const error = await trpcError(client(url(), token).owned.query({ id: 'someone-else' }));
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.message).toBe('denied by policy "isOwner"');
    expect((await trpcError(client(url()).owned.query({ id: 'owner-1' }))).data?.code).toBe('UNAUTHORIZED');
  });

  it('policy: memoised per call, so each call of a batch runs the rule', async () => {
    const token = await issuer.mintToken({ sub: 'owner-2' });
    const batched = client(url(), token, true);
    const before = app.counters.policyCalls;
    const results = await Promise.allSettled([batched.owned.query({ id: 'owner-2' }), batched.owned.query({ id: 'owner-2' }), batched.owned.query({ id: 'other' })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(app.counters.policyCalls - before).toBe(3); // one run per call: a result never outlives its call
  }, 10_000);
});

describe('tRPC procedures: guests, outages and the real OpenID provider', () => {
  it('guestProcedure lets guests in with allowGuest and sets the guest cookie', async () => {
    const guestKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, allowGuest: true });
    const guestApp = buildApp(guestKit);
    const server = await startStandalone(guestApp.router, guestApp.createContext);
    try {
      const response = await fetch(`${server.url}/cart`);
      expect(response.status).toBe(200);
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^guest_logto_authtoken=[0-9a-f-]{36};/);
      const body = (await response.json()) as { result: { data: { guestId: string } } };
      expect(cookie).toContain(body.result.data.guestId);
      const again = await fetch(`${server.url}/cart`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
      expect(again.headers.get('set-cookie')).toBeNull();
      expect(((await again.json()) as typeof body).result.data.guestId).toBe(body.result.data.guestId);
      // A guest is still not an authenticated user.
      expect((await fetch(`${server.url}/me`)).status).toBe(401);
      expect(await client(server.url, await issuer.mintToken({ sub: 'u-9' })).cart.query()).toEqual({ userId: 'u-9' });
    } finally {
      await server.close();
      guestKit.close();
    }
  });

  it('jwks_unavailable: 503 through authResponseMeta, SERVICE_UNAVAILABLE code, never 401', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const outageKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, jwksUrl: `http://127.0.0.1:${port}/oidc/jwks`, jwksTimeout: 1_000 });
    const outageApp = buildApp(outageKit);
    const server = await startStandalone(outageApp.router, outageApp.createContext);
    try {
      const token = await issuer.mintToken({ scope: 'write:posts' });
      const response = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('www-authenticate')).toBeNull();
      const error = await trpcError(client(server.url, token).me.query());
      expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
      expect(await client(server.url, token).health.query()).toEqual({ ok: true, status: 'anonymous' });
    } finally {
      await server.close();
      outageKit.close();
    }
  });

  it('accepts a real oidc-provider client_credentials token (ES384, at+jwt)', async () => {
    const provider: OidcStandIn = await startOidcProvider();
    const realKit = createAuthKit({ logtoUrl: provider.logtoUrl, audience: 'https://api.example.test' });
    const realApp = buildApp(realKit);
    const server = await startStandalone(realApp.router, realApp.createContext);
    try {
      const reader = await provider.clientCredentialsToken({ resource: 'https://api.example.test', scope: 'read:posts' });
      expect(await client(server.url, reader).me.query()).toEqual({ userId: provider.m2m.clientId, scopes: ['read:posts'] });
      expect((await trpcError(client(server.url, reader).createPost.mutate({ title: 't' }))).data?.code).toBe('FORBIDDEN');
      const writer = await provider.clientCredentialsToken({ resource: 'https://api.example.test', scope: 'write:posts' });
      expect(await client(server.url, writer).createPost.mutate({ title: 't' })).toEqual({ title: 't', by: provider.m2m.clientId });
      const other = await provider.clientCredentialsToken({ resource: 'https://other.example.test', scope: 'read:other' });
      expect((await trpcError(client(server.url, other).me.query())).data?.code).toBe('UNAUTHORIZED');
    } finally {
      await server.close();
      realKit.close();
      await provider.close();
    }
  });
});

describe('requireAuth construction', () => {
  it('refuses an unknown option, a non-Policy policy and bad scopes at build time', () => {
    expect(() => requireAuth({ policy: 'isOwner' } as never)).toThrow(/must be a Policy/);
    expect(() => requireAuth({ policy: { name: 'x' } } as never)).toThrow(/must be a Policy/);
    expect(() => requireAuth({ organization: 'o' } as never)).toThrow(/"organization" must be a function/);
    expect(() => requireAuth({ organisation: () => 'o' } as never)).toThrow(/unknown requireAuth option "organisation"/);
    expect(() => requireAuth({ scopes: ['a b'] })).toThrow(/scopes/);
    expect(() => requireAuth({ allowGuest: 'yes' } as never)).toThrow(/allowGuest/);
    expect(() => requireAuth({ policy: definePolicy('ok', () => true), scopes: ['a'] })).not.toThrow();
  });

  it('keeps the AuthError as the TRPCError cause on the server', async () => {
    const middleware = requireAuth({ scopes: ['admin'] });
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const auth = await kit.createAuthContext(token);
    const thrown = await middleware(callOf({ auth }, () => Promise.reject(new Error('must not be reached')))).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ code: 'FORBIDDEN', message: 'missing required scope(s): admin' });
    const cause = (thrown as Error).cause;
    expect(isAuthError(cause) && cause.code).toBe('insufficient_scope');
  });

  it('hands a WebSocket call with a cached token on in the same tick, with ctx as it was', async () => {
    const token = await issuer.mintToken({ sub: 'same-tick', scope: 'read:posts' });
    const createContext = createTRPCContext(kit);
    // A WebSocket's context: built at connect, its token re-verified on every call.
    const { auth } = await createContext({ req: { headers: { upgrade: 'websocket', host: '127.0.0.1' }, method: 'GET', url: '/' }, info: { connectionParams: { token } } });
    const middleware = requireAuth();
    const calls: unknown[] = [];
    const ctx = { auth };
    const result = middleware(callOf(ctx, (opts?: unknown) => (calls.push(opts), Promise.resolve({ ok: true, data: 'ok', marker: 'middlewareMarker' }))));
    // Called before anything was awaited, and without a rebuilt context.
    expect(calls).toEqual([undefined]);
    await expect(result).resolves.toMatchObject({ ok: true, data: 'ok' });
  });
});

