import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { createTRPCContext } from 'logto-authkit/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let issuer: TestIssuer;
let kit: AuthKit;
let guestKit: AuthKit;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  guestKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, allowGuest: true });
});
afterAll(async () => {
  kit.close();
  guestKit.close();
  await issuer.close();
});

describe('createTRPCContext', () => {
  it('reads every adapter’s request shape', async () => {
    const createContext = createTRPCContext(kit);
    const token = await issuer.mintToken({ sub: 'shape-user' });
    const inputs = [
      { req: new Request('http://127.0.0.1/trpc/me', { headers: { authorization: `Bearer ${token}` } }), resHeaders: new Headers() }, // fetch / Next.js app dir
      { req: { headers: { authorization: `Bearer ${token}` }, method: 'GET', url: '/me' }, res: {} }, // node:http, Express, Fastify
      { req: { headers: {}, cookies: { logto_authtoken: token } } }, // Next.js pages (parsed cookies)
      { event: { headers: { Authorization: `Bearer ${token}` } } }, // AWS Lambda
    ];
    for (const input of inputs) {
      const { auth } = await createContext(input);
      expect(auth.status === 'authenticated' && auth.userId).toBe('shape-user');
    }
  });

  it('never rejects for an auth failure or a missing request', async () => {
    const createContext = createTRPCContext(kit);
    for (const input of [{}, { req: null }, { req: 'nonsense' }, { req: { headers: { authorization: 'Bearer x.y.z' } } }]) {
      const { auth } = await createContext(input);
      expect(auth.status).toBe('anonymous');
    }
    expect((await createContext({})).auth.error?.code).toBe('missing_token');
  });

  it('prefers a string connectionParams.token over the request cookie', async () => {
    const createContext = createTRPCContext(kit);
    const fromParams = await issuer.mintToken({ sub: 'params-user' });
    const fromCookie = await issuer.mintToken({ sub: 'cookie-user' });
    const req = { headers: { cookie: `logto_authtoken=${fromCookie}` } };
    const withParams = await createContext({ req, info: { connectionParams: { token: fromParams } } });
    expect(withParams.auth.userId).toBe('params-user');
    // null (nothing sent) or params without a token: the request decides.
    expect((await createContext({ req, info: { connectionParams: null } })).auth.userId).toBe('cookie-user');
    expect((await createContext({ req, info: { connectionParams: { lang: 'en' } } })).auth.userId).toBe('cookie-user');
  });

  it('reads connectionParams.authorization as graphql-ws does (one contract for both)', async () => {
    const fromParams = await issuer.mintToken({ sub: 'bearer-params-user' });
    const { auth } = await createTRPCContext(kit)({ req: { headers: {} }, info: { connectionParams: { authorization: `Bearer ${fromParams}` } } });
    expect(auth.userId).toBe('bearer-params-user');
  });

  it.each([
    ['a non-object connectionParams', 42, 'connectionParams must be an object'],
    ['a string connectionParams', 'token', 'connectionParams must be an object'],
    ['a non-string token', { token: 123 }, 'connectionParams.token must be a string'],
    ['an object token', { token: { raw: 'x' } }, 'connectionParams.token must be a string'],
  ])('turns %s into an auth error context, not a crash', async (_, connectionParams, message) => {
    const cookie = await issuer.mintToken();
    const { auth } = await createTRPCContext(kit)({ req: { headers: { cookie: `logto_authtoken=${cookie}` } }, info: { connectionParams } });
    expect(auth.status).toBe('anonymous');
    expect(auth.error?.code).toBe('invalid_token');
    expect(auth.error?.message).toBe(message);
    const guest = await createTRPCContext(guestKit)({ info: { connectionParams } });
    expect(guest.auth.status).toBe('guest');
    expect(guest.auth.error?.message).toBe(message);
  });

  it('sets the guest cookie on a new guest where the adapter allows headers', async () => {
    const resHeaders = new Headers();
    const { auth } = await createTRPCContext(guestKit)({ req: new Request('https://api.example.test/cart'), resHeaders });
    expect(auth.status).toBe('guest');
    expect(resHeaders.get('set-cookie')).toMatch(new RegExp(`^guest_logto_authtoken=${auth.guestId ?? 'none'}; .*HttpOnly; Secure; SameSite=Lax$`));

    const appended: string[] = [];
    const res = { headersSent: false, appendHeader: (_: string, value: string) => appended.push(value) };
    await createTRPCContext(guestKit)({ req: { headers: {} }, res });
    expect(appended).toHaveLength(1);
    expect(appended[0]).not.toContain('Secure');

    const off = new Headers();
    await createTRPCContext(guestKit, { guestCookie: false })({ req: new Request('https://api.example.test/cart'), resHeaders: off });
    expect(off.get('set-cookie')).toBeNull();
    const known = new Headers();
    const again = await createTRPCContext(guestKit)({ req: new Request('https://api.example.test/', { headers: { cookie: `guest_logto_authtoken=${auth.guestId ?? ''}` } }), resHeaders: known });
    expect(again.auth.guestId).toBe(auth.guestId);
    expect(known.get('set-cookie')).toBeNull();
  });

  it('judges a WebSocket upgrade carrying a cookie by its Origin', async () => {
    const createContext = createTRPCContext(kit);
    const token = await issuer.mintToken({ sub: 'ws-cookie' });
    const upgrade = (origin?: string) => ({
      req: { headers: { host: 'api.example.test', upgrade: 'websocket', cookie: `logto_authtoken=${token}`, ...(origin ? { origin } : {}) }, method: 'GET', url: '/' },
      info: { connectionParams: null },
    });
    expect((await createContext(upgrade())).auth.userId).toBe('ws-cookie');
    expect((await createContext(upgrade('http://api.example.test'))).auth.userId).toBe('ws-cookie');
    expect((await createContext(upgrade('https://evil.example'))).auth.error?.code).toBe('csrf_rejected');
    // The same GET without Upgrade is a safe request: no Origin check (CORS guards it).
    const plain = upgrade('https://evil.example');
    expect((await createContext({ req: { ...plain.req, headers: { ...plain.req.headers, upgrade: undefined } } })).auth.userId).toBe('ws-cookie');
  });
});
