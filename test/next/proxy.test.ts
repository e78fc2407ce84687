import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createAuthProxy } from 'logto-authkit/next';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ControlledServer } from '../helpers/serve-json.js';

let issuer: TestIssuer;
let brokenJWKS: ControlledServer;
let kit: AuthKit;
let downKit: AuthKit;

beforeAll(async () => {
  [issuer, brokenJWKS] = await Promise.all([createTestIssuer(), startServer((_req, res) => res.writeHead(500).end())]);
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  downKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, jwksUrl: `${brokenJWKS.url}/jwks`, jwksTimeout: 1_000 });
});
afterAll(async () => {
  kit.close();
  downKit.close();
  await Promise.all([issuer.close(), brokenJWKS.close()]);
});

const visit = (path: string, init: RequestInit = {}) => new Request(`https://app.test${path}`, init);
const signedIn = async (init: RequestInit = {}) => ({ ...init, headers: { cookie: `logto_authtoken=${await issuer.mintToken()}` } });

describe('createAuthProxy', () => {
  const proxy = (k: () => AuthKit = () => kit) => createAuthProxy(k(), { protect: ['/dashboard', '/settings/'], redirectTo: '/sign-in' });

  it('redirects a signed-out visitor of a protected page with 307 and an absolute Location', async () => {
    const res = await proxy()(visit('/dashboard'));
    expect(res?.status).toBe(307);
    expect(res?.headers.get('location')).toBe('https://app.test/sign-in');
    expect(res?.headers.get('cache-control')).toBe('no-store');
    expect((await proxy()(visit('/settings/profile')))?.status).toBe(307);
    expect((await proxy()(visit('/settings')))?.status).toBe(307);
  });

  it('lets a signed-in visitor through (undefined = NextResponse.next())', async () => {
    expect(await proxy()(visit('/dashboard/x', await signedIn()))).toBeUndefined();
    const header = { headers: { authorization: `Bearer ${await issuer.mintToken()}` } };
    expect(await proxy()(visit('/dashboard', header))).toBeUndefined();
  });

  it('leaves unprotected paths alone without looking at the token (no key fetch, even when Logto is down)', async () => {
    const p = proxy(() => downKit);
    expect(await p(visit('/'))).toBeUndefined();
    expect(await p(visit('/dashboards'))).toBeUndefined();
    expect(await p(visit('/sign-in'))).toBeUndefined();
    expect(brokenJWKS.requests).toEqual([]);
  });

  it('matches the path the router will serve: percent-encoded, doubled slashes, undecodable', async () => {
    for (const path of ['/%64ashboard', '//dashboard', '/dashboard%2Fx', '/%E0%A4%A']) {
      expect((await proxy()(visit(path)))?.status, path).toBe(307);
    }
  });

  it('answers 503, not a sign-in redirect, when Logto is unreachable', async () => {
    const res = await proxy(() => downKit)(visit('/dashboard', await signedIn()));
    expect(res?.status).toBe(503);
    expect(await res?.json()).toMatchObject({ error: 'jwks_unavailable' });
  });

  it('answers 403 to a cross-site unsafe request carrying the cookie token', async () => {
    const res = await proxy()(visit('/dashboard', await signedIn({ method: 'POST' })));
    expect(res).toBeUndefined();
    const crossSite = new Request('https://app.test/dashboard', {
      method: 'POST',
      headers: { cookie: `logto_authtoken=${await issuer.mintToken()}`, 'sec-fetch-site': 'cross-site', origin: 'https://evil.test' },
    });
    const refused = await proxy()(crossSite);
    expect(refused?.status).toBe(403);
    expect(await refused?.json()).toMatchObject({ error: 'csrf_rejected' });
  });

  it('takes a predicate and an absolute redirect URL; accepts options instead of a kit', async () => {
    const p = createAuthProxy({ logtoUrl: issuer.logtoUrl, audience: issuer.audience }, {
      protect: (pathname) => pathname.endsWith('/edit'),
      redirectTo: 'https://tenant.logto.app/sign-in',
    });
    expect(await p(visit('/posts/1'))).toBeUndefined();
    expect((await p(visit('/posts/1/edit')))?.headers.get('location')).toBe('https://tenant.logto.app/sign-in');
  });

  it('refuses options that cannot work, at construction', () => {
    expect(() => createAuthProxy(kit, { protect: ['/'], redirectTo: '/sign-in' })).toThrow(/redirectTo/);
    expect(() => createAuthProxy(kit, { protect: ['/dashboard'], redirectTo: '/dashboard/login' })).toThrow(/redirectTo/);
    expect(() => createAuthProxy(kit, { protect: ['dashboard'], redirectTo: '/sign-in' })).toThrow(/protect/);
    expect(() => createAuthProxy(kit, { protect: '/dashboard' as never, redirectTo: '/sign-in' })).toThrow(/protect/);
    expect(() => createAuthProxy(kit, { protect: ['/dashboard'], redirectTo: '' })).toThrow(/redirectTo/);
  });
});
