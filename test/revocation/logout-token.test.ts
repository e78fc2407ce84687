import { base64url, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { createBackchannelLogoutHandler, createMemoryRevocationStore, type FetchHandler, type MemoryRevocationStore } from '../../src/revocation/index.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
let issuer: TestIssuer;
let kit: AuthKit;
let store: MemoryRevocationStore;
let handler: FetchHandler;
let revoked = 0;

beforeAll(async () => {
  issuer = await createTestIssuer();
  store = createMemoryRevocationStore();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store });
  handler = createBackchannelLogoutHandler({ kit, clientId: issuer.clientId, onRevoked: () => void revoked++ });
});
afterAll(async () => {
  kit.close();
  await issuer.close();
});

const request = (body: BodyInit | null, init: { method?: string; type?: string; headers?: Record<string, string> } = {}) =>
  new Request('http://api.test/logout', {
    method: init.method ?? 'POST',
    headers: { ...(init.type === undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : init.type ? { 'content-type': init.type } : {}), ...init.headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();
const unsigned = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
  `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.${base64url.encode('sig')}`;
const nowS = () => Math.floor(Date.now() / 1000);

describe('logout token validation (OIDC Back-Channel Logout 1.0 §2.6): every bad token is 400 and revokes nothing', () => {
  const cases: [string, () => Promise<string>][] = [
    ['expired (exp in the past)', () => issuer.mintLogoutToken({ sub: 'v' }, { now: Date.now() - 600_000, expiresIn: 120 })],
    ['too old with no exp (Logto ≤ 1.41)', () => issuer.mintLogoutToken({ sub: 'v', exp: undefined }, { now: Date.now() - 300_000 })],
    ['issued in the future', () => issuer.mintLogoutToken({ sub: 'v' }, { now: Date.now() + 120_000 })],
    ['exp that is not a number', () => issuer.mintLogoutToken({ sub: 'v', exp: 'soon' })],
    ['unsigned (alg none)', async () => unsigned({ alg: 'none', typ: 'logout+jwt' }, { iss: issuer.issuer, aud: issuer.clientId, iat: nowS(), jti: 'x', sub: 'v', events: { [EVENT]: {} } })],
    ['signed by another key under our kid', async () => issuer.mintLogoutToken({ sub: 'v' }, { key: (await generateKeyPair('ES384')).privateKey })],
    ['claiming another algorithm than it was signed with', () => issuer.mintLogoutToken({ sub: 'v' }, { header: { alg: 'ES256' } })],
    ['an unknown kid', () => issuer.mintLogoutToken({ sub: 'v' }, { kid: 'unknown-kid' })],
    ['an HMAC algorithm', async () => unsigned({ alg: 'HS256', typ: 'logout+jwt', kid: 'k' }, { sub: 'v' })],
    ['a jku header', () => issuer.mintLogoutToken({ sub: 'v' }, { header: { jku: 'http://evil.test/jwks' } })],
    ['missing events', () => issuer.mintLogoutToken({ sub: 'v', events: undefined })],
    ['events without the back-channel member', () => issuer.mintLogoutToken({ sub: 'v', events: { 'http://example.test/other': {} } })],
    ['an events member that is not an object', () => issuer.mintLogoutToken({ sub: 'v', events: { [EVENT]: true } })],
    ['carrying a nonce', () => issuer.mintLogoutToken({ sub: 'v', nonce: 'n' })],
    ['neither sub nor sid', () => issuer.mintLogoutToken({ sub: undefined })],
    ['a non-string sub', () => issuer.mintLogoutToken({ sub: 42 })],
    ['no jti', () => issuer.mintLogoutToken({ sub: 'v', jti: undefined })],
    ['another audience', () => issuer.mintLogoutToken({ sub: 'v', aud: 'another-app' })],
    ['another issuer', () => issuer.mintLogoutToken({ sub: 'v', iss: 'https://evil.test/oidc' })],
    ['typ JWT', () => issuer.mintLogoutToken({ sub: 'v' }, { header: { typ: 'JWT' } })],
    ['no typ', () => issuer.mintLogoutToken({ sub: 'v' }, { header: { typ: undefined } })],
    ['an access token', () => issuer.mintToken({ sub: 'v' })],
    ['an ID token', () => issuer.mintIdToken({ sub: 'v' })],
    ['an ID token retyped as logout+jwt (has a nonce, no events)', () => issuer.mintIdToken({ sub: 'v', nonce: 'n' }, { header: { typ: 'logout+jwt' } })],
    ['not a JWS at all', async () => 'not-a-token'],
    ['a JWS whose payload is not JSON', async () => `${base64url.encode('{"alg":"ES384","typ":"logout+jwt","kid":"k"}')}.${base64url.encode('[1,2')}.c2ln`],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const token = await make();
    const before = store.size;
    const response = await handler(request(form(token)));
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).not.toContain(token);
    expect(body.error_description.length).toBeGreaterThan(0);
    expect(store.size).toBe(before);
    expect(store.getRevokedAt('v', issuer.issuer)).toBeUndefined();
  });

  it('a replayed jti is refused the second time', async () => {
    const token = await issuer.mintLogoutToken({ sub: 'replayed' });
    expect((await handler(request(form(token)))).status).toBe(200);
    const size = store.size;
    const revokedAt = store.getRevokedAt('replayed', issuer.issuer);
    const replay = await handler(request(form(token)));
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error_description: string }).error_description).toMatch(/replay/);
    expect([store.size, store.getRevokedAt('replayed', issuer.issuer)]).toEqual([size, revokedAt]);
  });
});

describe('the receiver’s HTTP surface', () => {
  it('takes POST only (405 with Allow), form-encoded only (415), one logout_token (400)', async () => {
    const token = await issuer.mintLogoutToken({ sub: 'http' });
    const get = await handler(request(null, { method: 'GET' }));
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await handler(request(JSON.stringify({ logout_token: token }), { type: 'application/json' }))).status).toBe(415);
    expect((await handler(request(form(token), { type: '' }))).status).toBe(415);
    expect((await handler(request('other=1'))).status).toBe(400);
    expect((await handler(request(`${form(token)}&${form(token)}`))).status).toBe(400);
    expect(store.getRevokedAt('http', issuer.issuer)).toBeUndefined();
    const ok = await handler(request(form(token), { type: 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' }));
    expect(ok.status).toBe(200);
  });

  it('limits the body size, declared or streamed, without buffering it whole', async () => {
    const big = `logout_token=${'a'.repeat(40_000)}`;
    expect((await handler(request(big))).status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16_384).fill(97));
      },
    });
    expect((await handler(request(endless))).status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });
});

describe('a flood of bogus logout POSTs', () => {
  it('10,000 of them leave the store’s size unchanged and revoke nothing', async () => {
    const foreign = (await generateKeyPair('ES384')).privateKey;
    const bogus = [
      'garbage',
      await issuer.mintToken({ sub: 'flood' }),
      await issuer.mintIdToken({ sub: 'flood' }),
      await issuer.mintLogoutToken({ sub: 'flood', nonce: 'n' }),
      await issuer.mintLogoutToken({ sub: 'flood', events: undefined }),
      await issuer.mintLogoutToken({ sub: 'flood' }, { now: Date.now() - 600_000 }),
      unsigned({ alg: 'none', typ: 'logout+jwt' }, { sub: 'flood' }),
      await issuer.mintLogoutToken({ sub: 'flood' }, { key: foreign }),
    ].map(form);
    const size = store.size;
    const calls = revoked;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, (_, j) => handler(request(bogus[(i + j) % bogus.length] as string))));
      for (const response of batch) statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 400: 10_000 });
    expect(store.size).toBe(size);
    expect(store.getRevokedAt('flood', issuer.issuer)).toBeUndefined();
    expect(revoked).toBe(calls);
  }, 60_000);
});
