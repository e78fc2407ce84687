import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { AuthError } from '../../src/core/errors.js';
import type { RevocationStore } from '../../src/core/revocation-store.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import {
  createBackchannelLogoutHandler,
  createBackchannelLogoutRoute,
  createMemoryRevocationStore,
  revocationTime,
  type BackchannelLogoutEvent,
  type MemoryRevocationStore,
} from '../../src/revocation/index.js';

let issuer: TestIssuer;
const kits: AuthKit[] = [];
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await issuer.close();
});

/** A kit + memory store + handler on one injectable clock (ms). */
function setup(clock = { now: Date.now() }) {
  const now = () => clock.now;
  const store = createMemoryRevocationStore({ now });
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store, now });
  kits.push(kit);
  const events: BackchannelLogoutEvent[] = [];
  const handler = createBackchannelLogoutHandler({ kit, clientId: issuer.clientId, onRevoked: (e) => void events.push(e) });
  return { clock, store, kit, handler, events };
}
const post = (handler: (r: Request) => Promise<Response>, body: string, contentType = 'application/x-www-form-urlencoded') =>
  handler(new Request('http://api.test/logout', { method: 'POST', headers: { 'content-type': contentType }, body }));
const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(() => expect.unreachable('was accepted'), (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('createBackchannelLogoutHandler: revocation semantics', () => {
  it('a logout for sub revokes its earlier tokens, cached ones included; 200 with Cache-Control: no-store', async () => {
    const { handler, kit, store, events } = setup();
    const old = await issuer.mintToken({ sub: 'user-1' }, { now: Date.now() - 60_000 });
    const other = await issuer.mintToken({ sub: 'user-2' }, { now: Date.now() - 60_000 });
    await kit.verifyToken(old);
    await kit.verifyToken(other);
    const logout = await issuer.mintLogoutToken({ sub: 'user-1', sid: 'sess-1' });
    const response = await post(handler, form(logout));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
    expect((await rejection(kit.verifyToken(old))).code).toBe('token_revoked');
    expect((await kit.verifyToken(other)).userId).toBe('user-2');
    expect(store.getSessionRevokedAt('sess-1')).toBeDefined();
    expect(events).toEqual([expect.objectContaining({ sub: 'user-1', sid: 'sess-1', issuer: issuer.issuer, jti: expect.any(String) })]);
    const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${old}` } });
    expect(auth.status === 'anonymous' && auth.error.status).toBe(401);
  });

  it('revocation time is the later of the logout iat and receipt, rounded up to the end of its second', () => {
    expect(revocationTime(1000, 1000_400)).toBe(1001_000);
    expect(revocationTime(990, 1000_400)).toBe(1001_000); // delivered 10 s late: receipt wins
    expect(revocationTime(1003, 1000_400)).toBe(1004_000); // Logto's clock ahead: iat wins
    expect(revocationTime(1000, 1000_000)).toBe(1001_000);
  });

  it('receipt time: a token minted between the logout iat and its (late) delivery is refused', async () => {
    const received = Math.floor(Date.now() / 1000) * 1000 + 400;
    const { handler, kit } = setup({ now: received });
    const logout = await issuer.mintLogoutToken({ sub: 'late' }, { now: received - 10_000 });
    const between = await issuer.mintToken({ sub: 'late' }, { now: received - 5_000 });
    expect((await post(handler, form(logout))).status).toBe(200);
    expect((await rejection(kit.verifyToken(between))).code).toBe('token_revoked');
  });

  it('second resolution: a token of the logout second is refused, a new sign-in from the next second works', async () => {
    const second = Math.floor(Date.now() / 1000) * 1000;
    const { handler, kit, clock } = setup({ now: second + 300 });
    const sameSecond = await issuer.mintToken({ sub: 'again' }, { now: second + 100 });
    const logout = await issuer.mintLogoutToken({ sub: 'again' }, { now: second + 200 });
    expect((await post(handler, form(logout))).status).toBe(200);
    clock.now = second + 1_500;
    const nextSecond = await issuer.mintToken({ sub: 'again' }, { now: second + 1_000 });
    expect((await rejection(kit.verifyToken(sameSecond))).code).toBe('token_revoked');
    expect((await kit.verifyToken(nextSecond)).userId).toBe('again');
  });

  it('a sid-only logout is accepted and recorded for onRevoked, but revokes no token (access tokens carry no sid)', async () => {
    const { handler, kit, store, events } = setup();
    const token = await issuer.mintToken({ sub: 'sid-user' }, { now: Date.now() - 10_000 });
    const logout = await issuer.mintLogoutToken({ sub: undefined, sid: 'only-sid' });
    expect((await post(handler, form(logout))).status).toBe(200);
    expect(store.getSessionRevokedAt('only-sid')).toBeDefined();
    expect(store.snapshot().subjects).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ sub: undefined, sid: 'only-sid' })]);
    expect((await kit.verifyToken(token)).userId).toBe('sid-user');
  });

  it('a store shared by two kits (two apps in one process) drops both token caches', async () => {
    const store = createMemoryRevocationStore();
    const a = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store });
    const b = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store });
    kits.push(a, b);
    const token = await issuer.mintToken({ sub: 'shared' }, { now: Date.now() - 5_000 });
    await b.verifyToken(token);
    const handler = createBackchannelLogoutHandler({ kit: a, clientIds: ['elsewhere', issuer.clientId] });
    expect((await post(handler, form(await issuer.mintLogoutToken({ sub: 'shared' })))).status).toBe(200);
    expect((await rejection(b.verifyToken(token))).code).toBe('token_revoked');
  });

  it('kit.revoke works with the memory store: earlier tokens refused, later ones accepted', async () => {
    const { kit, clock } = setup();
    const before = await issuer.mintToken({ sub: 'admin-revoked' }, { now: clock.now - 2_000 });
    await kit.verifyToken(before);
    await kit.revoke({ sub: 'admin-revoked', before: clock.now - 1_000 });
    expect((await rejection(kit.verifyToken(before))).code).toBe('token_revoked');
    expect((await kit.verifyToken(await issuer.mintToken({ sub: 'admin-revoked' }, { now: clock.now }))).userId).toBe('admin-revoked');
  });

  it('the Next.js route helper is the same handler under POST', async () => {
    const { kit } = setup();
    const { POST } = createBackchannelLogoutRoute({ kit, clientId: issuer.clientId });
    expect((await post(POST, form(await issuer.mintLogoutToken()))).status).toBe(200);
  });
});

describe('createBackchannelLogoutHandler: outages answer 503, never 400', () => {
  it('keys cannot be had', async () => {
    const store = createMemoryRevocationStore();
    const kit = createAuthKit({ issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:9/oidc/jwks', audience: issuer.audience, revocation: store, jwksTimeout: 500 });
    kits.push(kit);
    const response = await post(createBackchannelLogoutHandler({ kit, clientId: issuer.clientId }), form(await issuer.mintLogoutToken()));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(store.size).toBe(0);
  });

  it('the store fails; and a store that cannot answer refuses tokens with revocation_unavailable (503), not 401', async () => {
    const broken: RevocationStore = {
      getRevokedAt: () => Promise.reject(new Error('ECONNREFUSED')),
      revoke: () => Promise.reject(new Error('ECONNREFUSED')),
      markJti: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: broken });
    kits.push(kit);
    expect((await post(createBackchannelLogoutHandler({ kit, clientId: issuer.clientId }), form(await issuer.mintLogoutToken()))).status).toBe(503);
    const error = await rejection(kit.verifyToken(await issuer.mintToken()));
    expect([error.code, error.status, error.wwwAuthenticate, error.meaning.trpc, error.meaning.graphql]).toEqual([
      'revocation_unavailable', 503, undefined, 'SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE',
    ]);
    const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${await issuer.mintToken()}` } });
    expect(auth.status === 'anonymous' && auth.error.code).toBe('revocation_unavailable');
  });
});

describe('createBackchannelLogoutHandler: options', () => {
  it('fails fast on a missing store, a store the kit does not consult, or missing client ids', () => {
    const bare = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
    kits.push(bare);
    expect(() => createBackchannelLogoutHandler({ kit: bare, clientId: 'a' })).toThrow(/store/);
    const other: MemoryRevocationStore = createMemoryRevocationStore();
    const { kit } = setup();
    expect(() => createBackchannelLogoutHandler({ kit, clientId: 'a', store: other })).toThrow(/"store" must be the kit/);
    expect(() => createBackchannelLogoutHandler({ kit })).toThrow(/clientId/);
    expect(() => createBackchannelLogoutHandler({ kit, clientId: 'a', clientIds: ['b'] })).toThrow(/not both/);
    expect(() => createBackchannelLogoutHandler({ kit, clientIds: [] })).toThrow(/clientIds/);
    expect(() => createBackchannelLogoutHandler({ kit, clientId: 'a', maxTokenAge: 0 })).toThrow(/maxTokenAge/);
  });

  it('an onRevoked that throws answers 500 (the revocation itself stands)', async () => {
    const { kit, store } = setup();
    const handler = createBackchannelLogoutHandler({ kit, clientId: issuer.clientId, onRevoked: () => Promise.reject(new Error('db down')) });
    const response = await post(handler, form(await issuer.mintLogoutToken({ sub: 'u-500' })));
    expect(response.status).toBe(500);
    expect(store.getRevokedAt('u-500', issuer.issuer)).toBeDefined();
  });
});
