import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createAuthKit, definePolicy, type AuthContext, type AuthKit } from '../../src/index.js';
import { logtoAuth, requireAuth, type LogtoAuthEnv } from '../../src/hono/index.js';
import { createTestIssuer, generateTestSigningKey, type TestIssuer } from '../../src/testing/index.js';

let issuer: TestIssuer;
let kit: AuthKit;
let guestKit: AuthKit;
let downKit: AuthKit;
let server: ServerType;
let base: string;

const owners = new Map([['p1', 'alice']]);
const isOwner = definePolicy('isOwner', (auth, _c, params: { postId?: string }) => owners.get(params.postId ?? '') === auth.userId);

function app(authKit: AuthKit) {
  const hono = new Hono<LogtoAuthEnv>();
  hono.use(logtoAuth(authKit));
  hono.get('/public', (c) => c.json({ status: c.var.auth.status }));
  hono.get('/me', requireAuth(), (c) => {
    expectTypeOf(c.var.auth.userId).toEqualTypeOf<string>();
    return c.json({ userId: c.var.auth.userId });
  });
  hono.post('/posts', requireAuth({ scopes: ['write:posts'] }), (c) => c.json({ author: c.var.auth.userId }));
  hono.put('/posts/:postId', requireAuth({ scopes: ['write:posts'], policy: isOwner }), (c) => c.json({ updated: c.req.param('postId') }));
  hono.get('/orgs/:orgId', requireAuth({ organization: (c) => c.req.param('orgId') }), (c) => c.json({ org: c.var.auth.organizationId }));
  hono.get('/guest', requireAuth({ allowGuest: true }), (c) => c.json({ status: c.var.auth.status }));
  return hono;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  const options = { logtoUrl: issuer.logtoUrl, audience: issuer.audience, onWarning: () => {} };
  kit = createAuthKit({ ...options, organizationTokens: true });
  guestKit = createAuthKit({ ...options, allowGuest: true });
  // Logto unreachable and no key cached: an outage, never a bad token.
  downKit = createAuthKit({ ...options, jwksUrl: 'http://127.0.0.1:9/oidc/jwks', issuer: issuer.issuer, logtoUrl: undefined, jwksTimeout: 500 });
  const root = new Hono();
  root.route('/a', app(kit));
  root.route('/g', app(guestKit));
  root.route('/d', app(downKit));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  for (const k of [kit, guestKit, downKit]) k?.close();
  await issuer?.close();
});

const call = (path: string, token?: string, method = 'GET') => fetch(`${base}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('logto-authkit/hono on @hono/node-server', () => {
  it('sets c.var.auth for public routes and never refuses there', async () => {
    expect(await (await call('/a/public')).json()).toEqual({ status: 'anonymous' });
    const token = await issuer.mintToken({ sub: 'alice' });
    expect(await (await call('/a/public', token)).json()).toEqual({ status: 'authenticated' });
  });

  it('401 without a token (no error code), 401 invalid_token for a forgery, 200 with a real token', async () => {
    const none = await call('/a/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(none.headers.get('www-authenticate')).not.toMatch(/error=/);
    expect(none.headers.get('cache-control')).toBe('no-store');
    // Signed by a key the issuer never published, under its current kid: a forgery.
    const forged = await issuer.mintToken({ sub: 'alice' }, { key: await (await generateTestSigningKey()).signingKey('ES384') });
    const refused = await call('/a/me', forged);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const ok = await call('/a/me', await issuer.mintToken({ sub: 'alice' }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ userId: 'alice' });
  });

  it('403 insufficient_scope naming the scope; 200 with it', async () => {
    const refused = await call('/a/posts', await issuer.mintToken({ sub: 'alice', scope: 'read:posts' }), 'POST');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="write:posts"/);
    expect((await refused.json()).error).toBe('insufficient_scope');
    const ok = await call('/a/posts', await issuer.mintToken({ sub: 'alice', scope: 'write:posts' }), 'POST');
    expect(await ok.json()).toEqual({ author: 'alice' });
  });

  it('a policy reads the path parameters: the owner passes, another user gets 403 policy_denied', async () => {
    const ok = await call('/a/posts/p1', await issuer.mintToken({ sub: 'alice', scope: 'write:posts' }), 'PUT');
    expect(ok.status).toBe(200);
    const refused = await call('/a/posts/p1', await issuer.mintToken({ sub: 'bob', scope: 'write:posts' }), 'PUT');
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toBe('policy_denied');
  });

  it('an organization from the path: its organization token passes, another organization is 403', async () => {
    const token = await issuer.mintOrganizationToken('acme', []);
    expect(await (await call('/a/orgs/acme', token)).json()).toEqual({ org: 'acme' });
    const refused = await call('/a/orgs/globex', token);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toBe('organization_mismatch');
  });

  it('guests pass allowGuest routes and get the guest cookie once', async () => {
    const response = await call('/g/guest');
    expect(await response.json()).toEqual({ status: 'guest' });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^guest_logto_authtoken=[0-9a-f-]{36}; /);
    expect(cookie).toMatch(/HttpOnly/);
    const again = await fetch(`${base}/g/guest`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(again.headers.get('set-cookie')).toBeNull();
    expect((await call('/g/me')).status).toBe(401);
  });

  it('Logto unreachable: 503 jwks_unavailable, not 401', async () => {
    const response = await call('/d/me', await issuer.mintToken({ sub: 'alice' }));
    expect(response.status).toBe(503);
    expect((await response.json()).error).toBe('jwks_unavailable');
  });

  it('options are checked at creation; requireAuth without logtoAuth is a programming error (500)', async () => {
    expect(() => requireAuth({ scopes: 'write:posts' } as never)).toThrow(/logto-authkit\/hono: requireAuth option "scopes" must be an array/);
    const bare = new Hono();
    bare.get('/x', requireAuth() as never, (c) => c.text('no'));
    expect((await bare.request('/x')).status).toBe(500);
  });

  it('types: c.var.auth is the whole union before requireAuth', () => {
    const hono = new Hono<LogtoAuthEnv>();
    hono.get('/t', (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<AuthContext>();
      return c.text('');
    });
  });
});
