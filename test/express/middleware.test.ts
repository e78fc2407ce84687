import { createAuthKit, type AuthContext, type AuthKit } from 'logto-authkit';
import { authMiddleware } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startExpress, type ExpressServer } from './harness.js';

let issuer: TestIssuer;
const servers: ExpressServer[] = [];
const kits: AuthKit[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const kit of kits.splice(0)) kit.close();
});
afterAll(() => issuer.close());

const makeKit = (allowGuest = false): AuthKit => {
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, allowGuest });
  kits.push(kit);
  return kit;
};

/** An app whose only route echoes what the middleware put on `req.auth`. */
async function echoApp(kit: AuthKit, configure?: Parameters<typeof startExpress>[0]): Promise<ExpressServer> {
  const server = await startExpress((app) => {
    configure?.(app);
    app.use(authMiddleware(kit));
    app.get('/whoami', (req, res) => {
      const auth: AuthContext | undefined = req.auth;
      res.json({ status: auth?.status, userId: auth?.userId, guestId: auth?.guestId, error: auth?.error?.code });
    });
  });
  servers.push(server);
  return server;
}

describe('authMiddleware', () => {
  it('sets req.auth on a public route from a Bearer token', async () => {
    const server = await echoApp(makeKit());
    const token = await issuer.mintToken({ sub: 'user-1' });
    const res = await fetch(`${server.url}/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'authenticated', userId: 'user-1' });
  });

  it('reads the logto_authtoken cookie without cookie-parser', async () => {
    const server = await echoApp(makeKit());
    const token = await issuer.mintToken({ sub: 'cookie-user' });
    const res = await fetch(`${server.url}/whoami`, { headers: { cookie: `theme=dark; logto_authtoken=${token}` } });
    expect(await res.json()).toMatchObject({ status: 'authenticated', userId: 'cookie-user' });
  });

  it('lets a caller without a token through, anonymous, with the reason', async () => {
    const server = await echoApp(makeKit());
    const res = await fetch(`${server.url}/whoami`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'anonymous', userId: null, error: 'missing_token' });
  });

  it('accepts options and shares one kit (one JWKS fetch) between middlewares built from equal options', async () => {
    const options = { logtoUrl: issuer.logtoUrl, audience: issuer.audience, jwksCacheTtl: 123_456 };
    const before = issuer.jwksRequests;
    const server = await startExpress((app) => {
      app.get('/a', authMiddleware({ ...options }), (req, res) => res.json({ userId: req.auth?.userId }));
      app.get('/b', authMiddleware({ ...options }), (req, res) => res.json({ userId: req.auth?.userId }));
    });
    servers.push(server);
    const token = await issuer.mintToken({ sub: 'shared' });
    const headers = { authorization: `Bearer ${token}` };
    expect(await (await fetch(`${server.url}/a`, { headers })).json()).toEqual({ userId: 'shared' });
    expect(await (await fetch(`${server.url}/b`, { headers })).json()).toEqual({ userId: 'shared' });
    expect(issuer.jwksRequests - before).toBe(1);
  });

  it('throws at construction for a value that is neither a kit nor options', () => {
    expect(() => authMiddleware(null as never)).toThrow(TypeError);
    expect(() => authMiddleware({ logtoUrl: 'not a url', audience: 'x' })).toThrow(/logtoUrl/);
  });
});

describe('authMiddleware: the guest cookie', () => {
  const guestCookie = (res: Response): string[] => res.headers.getSetCookie().filter((c) => c.startsWith('guest_logto_authtoken='));

  it('sets guest_logto_authtoken once, HttpOnly, SameSite=Lax, 400 days, not Secure over plain HTTP', async () => {
    const server = await echoApp(makeKit(true));
    const first = await fetch(`${server.url}/whoami`);
    const body = (await first.json()) as { status: string; guestId: string };
    expect(body.status).toBe('guest');
    const [cookie, ...others] = guestCookie(first);
    expect(others).toEqual([]);
    expect(cookie).toBe(`guest_logto_authtoken=${body.guestId}; Max-Age=34560000; Path=/; HttpOnly; SameSite=Lax`);

    const second = await fetch(`${server.url}/whoami`, { headers: { cookie: `guest_logto_authtoken=${body.guestId}` } });
    expect(await second.json()).toMatchObject({ status: 'guest', guestId: body.guestId });
    expect(guestCookie(second)).toEqual([]);
  });

  it('replaces a guest cookie that is not a UUID', async () => {
    const server = await echoApp(makeKit(true));
    const res = await fetch(`${server.url}/whoami`, { headers: { cookie: 'guest_logto_authtoken=admin' } });
    const { guestId } = (await res.json()) as { guestId: string };
    expect(guestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(guestCookie(res)).toHaveLength(1);
  });

  it('keeps cookies set by earlier middleware', async () => {
    const server = await echoApp(makeKit(true), (app) =>
      app.use((_req, res, next) => {
        res.append('Set-Cookie', 'theme=dark; Path=/');
        next();
      }),
    );
    const res = await fetch(`${server.url}/whoami`);
    expect(res.headers.getSetCookie()).toEqual(['theme=dark; Path=/', expect.stringMatching(/^guest_logto_authtoken=/)]);
  });

  it('does not let a client claim HTTPS with X-Forwarded-Proto', async () => {
    const server = await echoApp(makeKit(true));
    const res = await fetch(`${server.url}/whoami`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(guestCookie(res)[0]).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when Express says the request is secure (trust proxy set by the app)', async () => {
    const server = await echoApp(makeKit(true), (app) => app.set('trust proxy', 'loopback'));
    const res = await fetch(`${server.url}/whoami`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(guestCookie(res)[0]).toMatch(/; Secure/);
    const plain = await fetch(`${server.url}/whoami`);
    expect(guestCookie(plain)[0]).not.toMatch(/Secure/);
  });

  it('sets no guest cookie for an authenticated caller', async () => {
    const server = await echoApp(makeKit(true));
    const res = await fetch(`${server.url}/whoami`, { headers: { authorization: `Bearer ${await issuer.mintToken()}` } });
    expect(await res.json()).toMatchObject({ status: 'authenticated' });
    expect(guestCookie(res)).toEqual([]);
  });
});
