import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { startServer, type ControlledServer } from '../helpers/serve-json.js';
import { startExpress, type ExpressServer } from './harness.js';
import { expectRefusal } from '../helpers/expect-refusal.js';

let issuer: TestIssuer;
let op: OidcStandIn;
let brokenJWKS: ControlledServer;
let server: ExpressServer;
const kits: AuthKit[] = [];
const API = 'https://api.example.test';

beforeAll(async () => {
  [issuer, op, brokenJWKS] = await Promise.all([
    createTestIssuer({ audience: API }),
    startOidcProvider(),
    startServer((_req, res) => res.writeHead(500).end()),
  ]);
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: API });
  const guestKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: API, allowGuest: true });
  const opKit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API });
  // Logto unreachable: every key-set fetch fails and nothing is cached.
  const downKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: API, jwksUrl: `${brokenJWKS.url}/oidc/jwks`, jwksTimeout: 1_000 });
  kits.push(kit, guestKit, opKit, downKit);
  const ok = (_req: unknown, res: { json(body: unknown): void }) => res.json({ ok: true });
  server = await startExpress((app) => {
    app.get('/public', authMiddleware(kit), (req, res) => res.json({ status: req.auth?.status }));
    app.get('/me', authMiddleware(kit), requireAuth(), (req, res) => res.json({ userId: req.auth?.userId }));
    app.post('/posts', authMiddleware(kit), requireAuth({ scopes: ['write:posts'] }), ok);
    app.get('/any', authMiddleware(kit), requireAuth({ anyScopes: ['admin', 'moderator'] }), ok);
    app.get('/op/posts', authMiddleware(opKit), requireAuth({ scopes: ['read:posts'] }), (req, res) => res.json({ userId: req.auth?.userId }));
    app.get('/op/admin', authMiddleware(opKit), requireAuth({ scopes: ['admin'] }), ok);
    app.get('/down', authMiddleware(downKit), requireAuth(), ok);
    app.get('/guest/feed', authMiddleware(guestKit), requireAuth({ allowGuest: true }), (req, res) => res.json({ status: req.auth?.status }));
    app.get('/guest/me', authMiddleware(guestKit), requireAuth(), ok);
    app.get('/orgs/:orgId', authMiddleware(kit), requireAuth({ organization: (req) => req.params.orgId }), ok);
    app.get('/throwing-org', authMiddleware(kit), requireAuth({ organization: () => { throw new Error('lookup failed'); } }), ok);
    app.get('/no-middleware', requireAuth(), ok);
  });
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await Promise.all([server.close(), issuer.close(), op.close(), brokenJWKS.close()]);
});

const get = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });


describe('requireAuth', () => {
  it('lets public routes through for anyone', async () => {
    expect(await (await get('/public')).json()).toEqual({ status: 'anonymous' });
  });

  it('answers 401 with a bare Bearer challenge when no token is sent (RFC 6750 §3.1)', async () => {
    const res = await get('/me');
    await expectRefusal(res, 401, 'missing_token');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('answers 401 invalid_token for an expired token, without echoing the token', async () => {
    const token = await issuer.mintToken({}, { now: Date.now() - 7_200_000 });
    const res = await get('/me', token);
    const body = await expectRefusal(res, 401, 'token_expired');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token", error_description="/);
    expect(JSON.stringify(body)).not.toContain(token.split('.')[1]);
  });

  it('lets a valid token through and the handler reads req.auth', async () => {
    const res = await get('/me', await issuer.mintToken({ sub: 'user-7' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: 'user-7' });
  });

  it('answers 403 insufficient_scope naming the missing scope', async () => {
    const res = await get('/posts', await issuer.mintToken({ scope: 'read:posts' }), { method: 'POST' });
    const body = await expectRefusal(res, 403, 'insufficient_scope');
    expect(body.error_description).toContain('write:posts');
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="write:posts"/);
    expect((await get('/posts', await issuer.mintToken({ scope: 'read:posts write:posts' }), { method: 'POST' })).status).toBe(200);
  });

  it('anyScopes: one of them is enough', async () => {
    await expectRefusal(await get('/any', await issuer.mintToken({ scope: 'read:posts' })), 403, 'insufficient_scope');
    expect((await get('/any', await issuer.mintToken({ scope: 'moderator' }))).status).toBe(200);
  });

  it('accepts and refuses tokens of the real oidc-provider stand-in by scope', async () => {
    const reader = await op.clientCredentialsToken({ resource: API, scope: 'read:posts' });
    const res = await get('/op/posts', reader);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: op.m2m.clientId });
    const body = await expectRefusal(await get('/op/admin', reader), 403, 'insufficient_scope');
    expect(body.error_description).toContain('admin');
  });

  it('answers 503 jwks_unavailable, never 401, when Logto cannot be reached', async () => {
    const res = await get('/down', await issuer.mintToken());
    await expectRefusal(res, 503, 'jwks_unavailable');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('allowGuest lets guests in; a guest on a protected route gets 401 guest_not_allowed', async () => {
    const feed = await get('/guest/feed');
    expect(await feed.json()).toEqual({ status: 'guest' });
    await expectRefusal(await get('/guest/me'), 401, 'guest_not_allowed');
  });

  it('organization: the token must be bound to the addressed organization', async () => {
    const token = await issuer.mintToken({ organization_id: 'org-a' });
    expect((await get('/orgs/org-a', token)).status).toBe(200);
    await expectRefusal(await get('/orgs/org-b', token), 403, 'organization_mismatch');
    await expectRefusal(await get('/orgs/org-a', await issuer.mintToken()), 403, 'organization_mismatch');
    // A resolver that throws refuses (403), never a 500 and never access.
    await expectRefusal(await get('/throwing-org', token), 403, 'organization_mismatch');
  });

  it('without authMiddleware before it, fails loudly instead of letting the request through', async () => {
    const res = await get('/no-middleware', await issuer.mintToken());
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining('authMiddleware') });
  });
});
