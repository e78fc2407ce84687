import { authMiddleware } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { kitFor, resolveKit, verifyAuth, type AuthKitOptions, type RevocationStore } from '../../src/index.js';
import { createMemoryRevocationStore } from '../../src/revocation/index.js';
import { startExpress, type ExpressServer } from '../express/harness.js';

let issuer: TestIssuer;
const servers: ExpressServer[] = [];
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  vi.restoreAllMocks();
});
afterAll(() => issuer.close());

const get = (server: ExpressServer, token: string) =>
  fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

describe('the shared-kit registry (kitFor, resolveKit, verifyAuth)', () => {
  it('regression: 40 sign-outs through options holding a memory store leave an Express route serving, on one kit and one JWKS fetch', async () => {
    const revocation = createMemoryRevocationStore();
    const options: AuthKitOptions = { logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation };
    const server = await startExpress((app) => {
      app.use(authMiddleware(options));
      app.get('/me', (req, res) => {
        const auth = req.auth;
        if (auth?.status === 'anonymous') res.status(auth.error.status).json({ error: auth.error.code });
        else res.status(200).json({ userId: auth?.userId ?? null });
      });
    });
    servers.push(server);
    const token = await issuer.mintToken({ sub: 'stays-signed-in' });
    expect(await get(server, token)).toMatchObject({ status: 200, body: { userId: 'stays-signed-in' } });
    const kit = kitFor(options);
    for (let i = 0; i < 40; i++) await kitFor(options).revoke({ sub: `signed-out-${i}` });
    expect(await get(server, token)).toMatchObject({ status: 200, body: { userId: 'stays-signed-in' } });
    expect(kitFor(options)).toBe(kit);
    expect(kit.jwks.fetchCount).toBe(1);
    expect(revocation.size).toBe(40);
  });

  it('never reads a store getter: non-data options are compared by identity', async () => {
    let reads = 0;
    const inner = createMemoryRevocationStore();
    const store: RevocationStore = {
      getRevokedAt: (sub, iss) => inner.getRevokedAt(sub, iss),
      revoke: (r) => inner.revoke(r),
      get size() {
        reads++;
        return inner.size;
      },
    };
    const options = { logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store };
    const kit = kitFor(options);
    for (let i = 0; i < 100; i++) await verifyAuth(await issuer.mintToken({ sub: `u${i % 3}` }), options);
    expect(kitFor({ ...options })).toBe(kit);
    expect(kitFor({ ...options, revocation: createMemoryRevocationStore() })).not.toBe(kit);
    expect(reads).toBe(0);
  });

  it('a plain-object store whose data fields change is still one store (an object holding functions is compared by identity)', async () => {
    const inner = createMemoryRevocationStore();
    const store = {
      revoked: 0,
      getRevokedAt: (sub: string, iss: string) => inner.getRevokedAt(sub, iss),
      async revoke(r: Parameters<RevocationStore['revoke']>[0]) {
        store.revoked++;
        await inner.revoke(r);
      },
    };
    const options = { logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store };
    const kit = kitFor(options);
    await kit.revoke({ sub: 'one' });
    await kitFor(options).revoke({ sub: 'two' });
    expect([store.revoked, kitFor(options) === kit]).toEqual([2, true]);
  });

  it('plain data is compared by value: key order and fresh arrays do not make a new kit', () => {
    const a = kitFor({ logtoUrl: issuer.logtoUrl, audience: [issuer.audience], tokenCache: { maxEntries: 7 } });
    const b = kitFor({ tokenCache: { maxEntries: 7 }, audience: [issuer.audience], logtoUrl: issuer.logtoUrl });
    const c = kitFor({ tokenCache: { maxEntries: 8 }, audience: [issuer.audience], logtoUrl: issuer.logtoUrl });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('a kit someone holds is never closed, however many kits are made later; many kits warn once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const held = resolveKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, clockTolerance: 7 });
    const token = await issuer.mintToken({ sub: 'held' });
    await held.verifyToken(token);
    // Options built per request (a new function each time): the case the warning is for.
    for (let i = 0; i < 80; i++) await verifyAuth(token, { logtoUrl: issuer.logtoUrl, audience: issuer.audience, now: () => Date.now() });
    await expect(held.verifyToken(await issuer.mintToken({ sub: 'held' }))).resolves.toMatchObject({ userId: 'held' });
    expect(held.jwks.fetchCount).toBe(1);
    const warnings = warn.mock.calls.filter(([message]) => String(message).includes('auth kits'));
    expect(warnings).toHaveLength(1);
  });
});
