import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionAuthContext, upgradeRequestInput } from '../../src/core/connection-credentials.js';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

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

const userOf = (auth: { status: string; userId: string | null }) => (auth.status === 'authenticated' ? auth.userId : auth.status);

describe('createConnectionAuthContext: the one connectionParams contract', () => {
  it('reads { token }, then { authorization: "Bearer …" }, then the request', async () => {
    const [fromToken, fromHeader, fromCookie] = await Promise.all(['p-token', 'p-header', 'p-cookie'].map((sub) => issuer.mintToken({ sub })));
    const request = { headers: { cookie: `logto_authtoken=${fromCookie}` } };
    expect(userOf(await createConnectionAuthContext(kit, { connectionParams: { token: fromToken, authorization: `Bearer ${fromHeader}` }, request }))).toBe('p-token');
    expect(userOf(await createConnectionAuthContext(kit, { connectionParams: { authorization: `Bearer ${fromHeader}` }, request }))).toBe('p-header');
    expect(userOf(await createConnectionAuthContext(kit, { connectionParams: { Authorization: `Bearer ${fromHeader}` }, request }))).toBe('p-header');
    expect(userOf(await createConnectionAuthContext(kit, { connectionParams: { lang: 'en' }, request }))).toBe('p-cookie');
    expect(userOf(await createConnectionAuthContext(kit, { connectionParams: null, request }))).toBe('p-cookie');
    expect((await createConnectionAuthContext(kit, {})).error?.code).toBe('missing_token');
  });

  it.each([
    ['a number', 42, 'connectionParams must be an object'],
    ['an array', ['x'], 'connectionParams must be an object'],
    ['a non-string token', { token: 1 }, 'connectionParams.token must be a string'],
    ['a non-string authorization', { authorization: ['Bearer x'] }, 'connectionParams.authorization must be a string'],
  ])('refuses %s with invalid_token, as anonymous or guest as the kit is configured', async (_, connectionParams, message) => {
    const cookie = await issuer.mintToken();
    const auth = await createConnectionAuthContext(kit, { connectionParams, request: { headers: { cookie: `logto_authtoken=${cookie}` } } });
    expect(auth.status).toBe('anonymous');
    expect(auth.error).toMatchObject({ code: 'invalid_token', message });
    const guest = await createConnectionAuthContext(guestKit, { connectionParams });
    expect(guest.status).toBe('guest');
    expect(guest.error?.message).toBe(message);
  });
});

describe('upgradeRequestInput', () => {
  it('judges the upgrade as an unsafe method, so a cross-site cookie is refused', async () => {
    const token = await issuer.mintToken({ sub: 'victim' });
    const upgrade = { method: 'GET', url: '/ws', headers: { cookie: `logto_authtoken=${token}`, origin: 'https://evil.example', host: '127.0.0.1' } };
    // As a plain GET the cookie passes; as the upgrade of a socket it must not.
    expect(userOf(await kit.createAuthContext(upgrade))).toBe('victim');
    const auth = await createConnectionAuthContext(kit, { request: upgradeRequestInput(upgrade) });
    expect(auth.status).toBe('anonymous');
    expect(auth.error?.status).toBe(403);
    expect(upgradeRequestInput('nonsense')).toBeUndefined();
  });
});
