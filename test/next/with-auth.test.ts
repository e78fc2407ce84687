import { createAuthKit, type AuthenticatedContext, type AuthKit, type GuestContext } from 'logto-authkit';
import { withAuth, verifyNextAuth, type NextRouteContext } from 'logto-authkit/next';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startServer, type ControlledServer } from '../helpers/serve-json.js';
import { expectRefusal } from '../helpers/expect-refusal.js';

let issuer: TestIssuer;
let brokenJWKS: ControlledServer;
let kit: AuthKit;
let guestKit: AuthKit;
let downKit: AuthKit;

beforeAll(async () => {
  [issuer, brokenJWKS] = await Promise.all([createTestIssuer(), startServer((_req, res) => res.writeHead(500).end())]);
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  guestKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, allowGuest: true });
  downKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, jwksUrl: `${brokenJWKS.url}/jwks`, jwksTimeout: 1_000 });
});
afterAll(async () => {
  for (const k of [kit, guestKit, downKit]) k.close();
  await Promise.all([issuer.close(), brokenJWKS.close()]);
});

const context = (params: Record<string, string> = {}): NextRouteContext => ({ params: Promise.resolve(params) });
const request = (headers: Record<string, string> = {}, url = 'http://app.test/api/me') => new Request(url, { headers });
const bearer = async (claims: Record<string, unknown> = {}) => ({ authorization: `Bearer ${await issuer.mintToken(claims)}` });


describe('withAuth', () => {
  const me = (req: Request, ctx: NextRouteContext) => withAuth(kit, (_request, { auth }) => Response.json({ userId: auth.userId }))(req, ctx);

  it('runs the handler with auth for a valid token', async () => {
    const res = await me(request(await bearer({ sub: 'user-1' })), context());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: 'user-1' });
  });

  it('answers 401 without a token, with the bare Bearer challenge', async () => {
    const res = await me(request(), context());
    await expectRefusal(res, 401, 'missing_token');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('answers 403 naming the missing scope; passes params through', async () => {
    const post = withAuth(kit, async (_request, { params, auth }) => Response.json({ id: (await params).id, scopes: auth.scopes }), { scopes: ['write:posts'] });
    const body = await expectRefusal(await post(request(await bearer({ scope: 'read:posts' })), context({ id: '1' })), 403, 'insufficient_scope');
    expect(body.error_description).toContain('write:posts');
    const ok = await post(request(await bearer({ scope: 'write:posts' })), context({ id: '1' }));
    expect(await ok.json()).toEqual({ id: '1', scopes: ['write:posts'] });
  });

  it('answers 503 when Logto is unreachable', async () => {
    const res = await withAuth(downKit, () => new Response('no'))(request(await bearer()), context());
    await expectRefusal(res, 503, 'jwks_unavailable');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('allowGuest: a new guest gets the cookie (Secure only over https), a returning one does not', async () => {
    const feed = withAuth(guestKit, (_request, { auth }) => Response.json({ status: auth.status, guestId: auth.guestId ?? null }), { allowGuest: true });
    const first = await feed(request(), context());
    const { guestId } = (await first.json()) as { guestId: string };
    expect(first.headers.getSetCookie()).toEqual([`guest_logto_authtoken=${guestId}; Max-Age=34560000; Path=/; HttpOnly; SameSite=Lax`]);
    const secure = await feed(request({}, 'https://app.test/api/feed'), context());
    expect(secure.headers.getSetCookie()[0]).toMatch(/; Secure; SameSite=Lax$/);
    const again = await feed(request({ cookie: `guest_logto_authtoken=${guestId}` }), context());
    expect(await again.json()).toEqual({ status: 'guest', guestId });
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('sets the guest cookie on a response whose headers are immutable', async () => {
    const redirect = withAuth(guestKit, () => Response.redirect('http://app.test/elsewhere', 302), { allowGuest: true });
    const res = await redirect(request(), context());
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://app.test/elsewhere');
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });

  it('refuses guests unless allowGuest', async () => {
    await expectRefusal(await withAuth(guestKit, () => new Response('no'))(request(), context()), 401, 'guest_not_allowed');
  });

  it('organization from params: the token must be bound to it', async () => {
    const org = withAuth(kit, () => new Response('ok'), { organization: async (_req, { params }) => (await params).orgId });
    const headers = await bearer({ organization_id: 'org-a' });
    expect((await org(request(headers), context({ orgId: 'org-a' }))).status).toBe(200);
    await expectRefusal(await org(request(headers), context({ orgId: 'org-b' })), 403, 'organization_mismatch');
    await expectRefusal(await org(request(headers), context({})), 403, 'organization_mismatch');
  });

  it('accepts options instead of a kit', async () => {
    const handler = withAuth({ logtoUrl: issuer.logtoUrl, audience: issuer.audience }, (_r, { auth }) => Response.json({ userId: auth.userId }));
    expect(await (await handler(request(await bearer({ sub: 'opt' })), context())).json()).toEqual({ userId: 'opt' });
  });

  it('bad input: junk and non-UTF-8 cookies are 401 JSON, a merged double Authorization 400 (RFC 6750 §3.1)', async () => {
    const junk = Array.from({ length: 16 * 1024 }, (_, i) => '=;a%\\"x,'[i % 8]).join('');
    await expectRefusal(await me(request({ cookie: junk }), context()), 401, 'missing_token');
    // Fetch merges repeated headers into one "a, b" value.
    const merged = new Headers([['authorization', (await bearer()).authorization], ['authorization', (await bearer()).authorization]]);
    await expectRefusal(await me(new Request('http://app.test/', { headers: merged }), context()), 400, 'invalid_request');
    await expectRefusal(await me(request({ cookie: 'logto_authtoken=\u00ff\u00fe\u00c3(' }), context()), 401, 'invalid_token');
    await expectRefusal(await me(request({ cookie: 'logto_authtoken=%FF%FE' }), context()), 401, 'invalid_token');
  });

  it('types auth by the requirement: authenticated by default, or a guest with allowGuest', () => {
    withAuth(kit, (_r, { auth }) => {
      expectTypeOf(auth).toEqualTypeOf<AuthenticatedContext>();
      return new Response();
    }, { scopes: ['read'] });
    withAuth(kit, (_r, { auth }) => {
      expectTypeOf(auth).toEqualTypeOf<AuthenticatedContext | GuestContext>();
      return new Response();
    }, { allowGuest: true });
    const handler = withAuth(kit, () => new Response());
    expectTypeOf(handler).parameters.toEqualTypeOf<[Request, NextRouteContext]>();
  });
});

describe('verifyNextAuth', () => {
  const options = () => ({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });

  it('resolves to the context of a valid token and rejects with the AuthError otherwise', async () => {
    const auth = await verifyNextAuth(request(await bearer({ sub: 'seed' })), options());
    expect(auth.userId).toBe('seed');
    await expect(verifyNextAuth(request(), options())).rejects.toMatchObject({ name: 'AuthError', code: 'missing_token', status: 401 });
  });

  it('with allowGuest resolves to a guest', async () => {
    const auth = await verifyNextAuth({ headers: new Headers() }, { ...options(), allowGuest: true });
    expect(auth.status).toBe('guest');
  });
});

describe('withAuth(handler, options): the handler-first form of API.md', () => {
  it('builds the kit from the options and enforces the scopes', async () => {
    const issuer = await createTestIssuer();
    const GET = withAuth((_request, { auth }) => Response.json({ userId: auth.userId }), {
      logtoUrl: issuer.logtoUrl,
      audience: issuer.audience,
      scopes: ['read:posts'],
    });
    const ctx = { params: Promise.resolve({}) };
    const ok = await GET(new Request('http://app.test/api', { headers: { authorization: `Bearer ${await issuer.mintToken({ sub: 'u-9', scope: 'read:posts' })}` } }), ctx);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ userId: 'u-9' });
    const forbidden = await GET(new Request('http://app.test/api', { headers: { authorization: `Bearer ${await issuer.mintToken({ scope: 'other' })}` } }), ctx);
    expect(forbidden.status).toBe(403);
    expect((await GET(new Request('http://app.test/api'), ctx)).status).toBe(401);
    await issuer.close();
  });
  it('refuses a call without options', () => {
    expect(() => withAuth(() => new Response('x'), undefined as never)).toThrow(TypeError);
  });
});
