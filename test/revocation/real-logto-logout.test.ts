import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { createBackchannelLogoutHandler, createMemoryRevocationStore } from '../../src/revocation/index.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { jwksAnswer, startServer, type ControlledServer } from '../helpers/serve-json.js';

interface Capture {
  receivedAt: string;
  headers: Record<string, string>;
  rawBody: string;
  logoutTokenPayload: { sub: string; sid: string; aud: string; iat: number; iss: string; jti: string };
  jwksAtCapture: { keys: unknown[] };
}
const capture = JSON.parse(readFileSync(new URL('../fixtures/real-logto/backchannel-logout.json', import.meta.url), 'utf8')) as Capture;
const claims = capture.logoutTokenPayload;
const receivedAt = Date.parse(capture.receivedAt);

let jwks: ControlledServer;
const kits: AuthKit[] = [];
beforeAll(async () => {
  jwks = await startServer(jwksAnswer(capture.jwksAtCapture));
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await jwks.close();
});

/** The receiver of the captured app, its kit and store on one injected clock. */
function receiver(clock: { now: number }) {
  const now = () => clock.now;
  const store = createMemoryRevocationStore({ now });
  const kit = createAuthKit({ issuer: claims.iss, jwksUrl: `${jwks.url}/oidc/jwks`, audience: 'https://api.example.test', revocation: store, now });
  kits.push(kit);
  return { store, handler: createBackchannelLogoutHandler({ kit, clientId: claims.aud }) };
}
// The POST exactly as Logto sent it: its content type and raw body.
const replay = (handler: (request: Request) => Promise<Response>) =>
  handler(new Request('http://127.0.0.1:3998/backchannel', { method: 'POST', headers: { 'content-type': capture.headers['content-type'] as string }, body: capture.rawBody }));

describe('the back-channel receiver against a real Logto v1.37.1 logout POST (no exp)', () => {
  it('accepts it at its receipt time: the user of that issuer is revoked, and a replay is refused', async () => {
    const { store, handler } = receiver({ now: receivedAt });
    const response = await replay(handler);
    expect([response.status, response.headers.get('cache-control')]).toEqual([200, 'no-store']);
    expect(store.getRevokedAt(claims.sub, claims.iss)).toBe((claims.iat + 1) * 1000);
    expect(store.getRevokedAt(claims.sub, 'https://other-tenant.logto.app/oidc')).toBeUndefined();
    expect(store.getSessionRevokedAt(claims.sid)).toBeDefined();
    const again = await replay(handler);
    expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
  });

  it('refuses it once its iat is older than the receiver’s maximum age (the only bound without exp)', async () => {
    const { store, handler } = receiver({ now: claims.iat * 1000 + 126_000 });
    const response = await replay(handler);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(/too old/);
    expect(store.getRevokedAt(claims.sub, claims.iss)).toBeUndefined();
  });
});

describe('a logout token whose exp is present', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  it('is refused once exp is past, even while its iat is recent', async () => {
    const now = Date.now();
    const store = createMemoryRevocationStore();
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store });
    kits.push(kit);
    const handler = createBackchannelLogoutHandler({ kit, clientId: issuer.clientId });
    const post = async (token: string) =>
      (await handler(new Request('http://api.test/logout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) }))).status;
    expect(await post(await issuer.mintLogoutToken({ sub: 'expired-exp' }, { now: now - 30_000, expiresIn: 10 }))).toBe(400);
    expect(store.getRevokedAt('expired-exp', issuer.issuer)).toBeUndefined();
    expect(await post(await issuer.mintLogoutToken({ sub: 'recent-no-exp', exp: undefined }, { now: now - 30_000 }))).toBe(200);
    expect(store.getRevokedAt('recent-no-exp', issuer.issuer)).toBeDefined();
  });
});
