import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createAuthKit, createMemoryRevocationStore, type AuthKit, type AuthKitEvent, type AuthKitOptions } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { manualClock } from '../helpers/jwks-test-server.js';

let issuer: TestIssuer;
const clock = manualClock();
const kits: AuthKit[] = [];
const makeKit = (extra: Partial<AuthKitOptions> = {}): { kit: AuthKit; events: AuthKitEvent[] } => {
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, now: clock.now, ...extra });
  kits.push(kit);
  const events: AuthKitEvent[] = [];
  kit.onEvent((event) => events.push(event));
  return { kit, events };
};
const refusal = (promise: Promise<unknown>): Promise<AuthError> =>
  promise.then(
    () => expect.unreachable('was accepted'),
    (error: unknown) => (error instanceof AuthError ? error : Promise.reject(error)),
  );
const ofType = <T extends AuthKitEvent['type']>(events: AuthKitEvent[], type: T) => events.filter((e): e is Extract<AuthKitEvent, { type: T }> => e.type === type);

beforeAll(async () => {
  issuer = await createTestIssuer({ now: clock.now });
});
afterEach(() => {
  for (const kit of kits.splice(0)) kit.close();
  issuer.setJWKS(undefined);
});
afterAll(async () => {
  await issuer.close();
});

describe('kit.onEvent: verifications', () => {
  it('tells each verification with its outcome, code and whether a cache answered; stats count them', async () => {
    const { kit, events } = makeKit({ requiredScope: 'read:posts' });
    const token = await issuer.mintToken({ sub: 'user-1', scope: 'read:posts' });
    await kit.verifyToken(token);
    await kit.verifyToken(token);
    const bare = await issuer.mintToken({ sub: 'user-2' });
    expect((await refusal(kit.verifyToken(bare))).code).toBe('insufficient_scope');
    expect((await refusal(kit.verifyToken(bare))).code).toBe('insufficient_scope');
    const forged = await issuer.mintToken({ sub: 'user-3' }, { key: (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign'])).privateKey });
    await refusal(kit.verifyToken(forged));
    await refusal(kit.verifyToken(forged));

    expect(ofType(events, 'verification')).toEqual([
      { type: 'verification', outcome: 'authenticated', cacheHit: false },
      { type: 'verification', outcome: 'authenticated', cacheHit: true },
      { type: 'verification', outcome: 'refused', code: 'insufficient_scope', reason: 'empty_scope', cacheHit: false },
      { type: 'verification', outcome: 'refused', code: 'insufficient_scope', reason: 'empty_scope', cacheHit: true },
      { type: 'verification', outcome: 'refused', code: 'invalid_token', reason: 'bad_signature', cacheHit: false },
      { type: 'verification', outcome: 'refused', code: 'invalid_token', reason: 'bad_signature', cacheHit: true },
    ]);
    const stats = kit.stats();
    expect(stats.verifications).toEqual({
      authenticated: 2,
      refused: 4,
      cacheHits: 3,
      cacheMisses: 3,
      cacheHitRate: 0.5,
      refusedByCode: { insufficient_scope: 2, invalid_token: 2 },
      refusedByReason: { empty_scope: 2, bad_signature: 2 },
    });
    // The two tokens that verified are cached; the forgery is not.
    expect(stats.tokenCache).toMatchObject({ entries: 2, maxEntries: 10_000 });
    expect(stats.jwks).toMatchObject({ status: 'fresh', ageMs: 0, keyCount: 1, fetches: 1, fetchFailures: 0, keysChanged: 1, lastError: undefined });
    expect(stats.revocation).toBeUndefined();
    // No event carries the token or any of its claims.
    const text = JSON.stringify(events);
    for (const secret of [token, bare, forged, 'user-1', 'user-2', 'user-3', 'read:posts']) expect(text).not.toContain(secret);
  });

  it('counts requests refused before verification: a malformed Authorization header, a cookie without its CSRF header', async () => {
    const { kit, events } = makeKit({ tokenSources: ['header', 'cookie'] });
    await kit.createAuthContext({ headers: { authorization: 'Bearer a b' } });
    await kit.createAuthContext({ method: 'POST', headers: { host: 'api.test', origin: 'https://evil.example', cookie: `logto_authtoken=${await issuer.mintToken()}` } });
    await kit.createAuthContext({ headers: {} });
    expect(ofType(events, 'verification').map((e) => [e.code, e.reason])).toEqual([
      ['invalid_request', 'malformed_authorization'],
      ['csrf_rejected', 'csrf_rejected'],
    ]);
    expect(kit.stats().verifications.refusedByCode).toEqual({ invalid_request: 1, csrf_rejected: 1 });
  });

  it('a listener that throws changes no outcome and does not silence the others; unsubscribing stops the events', async () => {
    const { kit, events } = makeKit();
    kit.onEvent(() => {
      throw new Error('broken telemetry');
    });
    const seen: string[] = [];
    const stop = kit.onEvent((event) => seen.push(event.type));
    const token = await issuer.mintToken();
    await expect(kit.verifyToken(token)).resolves.toMatchObject({ status: 'authenticated' });
    expect((await refusal(kit.verifyToken(await issuer.mintToken({ aud: 'https://other.example' })))).code).toBe('invalid_audience');
    expect(seen).toEqual(['jwks.fetch', 'jwks.fetch', 'jwks.keys_changed', 'verification', 'verification']);
    stop();
    await kit.verifyToken(token);
    expect(seen).toHaveLength(5);
    expect(events).toHaveLength(6);
    expect(() => kit.onEvent('nope' as never)).toThrow(TypeError);
  });
});

describe('kit.onEvent: the key set', () => {
  it('tells fetches, an outage with stale keys served, a refetch refused by the cooldown, and new keys', async () => {
    const { kit, events } = makeKit();
    const first = await issuer.mintToken();
    await kit.verifyToken(first);
    expect(ofType(events, 'jwks.fetch')).toEqual([
      { type: 'jwks.fetch', phase: 'started' },
      { type: 'jwks.fetch', phase: 'succeeded', durationMs: 0, keyCount: 1 },
    ]);
    const [changed] = ofType(events, 'jwks.keys_changed');
    expect(changed?.kids).toEqual(issuer.jwks().keys.map((k) => k.kid));

    // Six minutes later the set is stale and Logto answers garbage: the old keys keep serving.
    clock.advance(360_000);
    issuer.setJWKS('not json');
    events.length = 0;
    await kit.verifyToken(await issuer.mintToken());
    await expect.poll(() => kit.stats().jwks.fetchFailures).toBe(1);
    // The refresh starts before the stale set serves; it fails on its own time, so the verification's place is not fixed.
    expect(events.filter((e) => e.type !== 'verification')).toEqual([
      { type: 'jwks.fetch', phase: 'started' },
      { type: 'jwks.stale_served', ageMs: 360_000 },
      { type: 'jwks.fetch', phase: 'failed', durationMs: 0, failure: 'invalid_json' },
    ]);
    expect(ofType(events, 'verification')).toEqual([{ type: 'verification', outcome: 'authenticated', cacheHit: false }]);
    expect(kit.stats().jwks).toMatchObject({ status: 'cooling_down', fetches: 2, fetchFailures: 1, staleServed: 1, lastError: { failure: 'invalid_json' } });

    // Logto rotated meanwhile: during the cooldown the new kid is not looked up (503, not 401).
    issuer.setJWKS(undefined);
    await issuer.rotateKeys();
    const rotated = await issuer.mintToken();
    events.length = 0;
    expect((await refusal(kit.verifyToken(rotated))).code).toBe('jwks_unavailable');
    expect(events).toEqual([
      { type: 'jwks.stale_served', ageMs: 360_000 },
      { type: 'jwks.refetch_refused', cause: 'cooldown' },
      { type: 'verification', outcome: 'refused', code: 'jwks_unavailable', reason: 'jwks_unavailable', cacheHit: false },
    ]);

    // After the cooldown the kid causes one refetch, which brings the new key.
    clock.advance(30_000);
    events.length = 0;
    await kit.verifyToken(rotated);
    expect(events.map((e) => e.type)).toEqual(['jwks.fetch', 'jwks.stale_served', 'jwks.fetch', 'jwks.keys_changed', 'verification']);
    expect(ofType(events, 'jwks.keys_changed')[0]?.kids).toHaveLength(2);
    expect(kit.stats().jwks).toMatchObject({ status: 'fresh', keyCount: 2, keysChanged: 2, refetchesRefused: 1, lastError: undefined });
  });

  it('tells unknown kids refused by the refetch budget and kids looked up in vain moments ago', async () => {
    const { kit, events } = makeKit();
    await kit.verifyToken(await issuer.mintToken());
    for (let i = 0; i < 4; i += 1) await refusal(kit.verifyToken(await issuer.mintToken({}, { kid: `junk-${i}` })));
    await refusal(kit.verifyToken(await issuer.mintToken({}, { kid: 'junk-0' })));
    expect(ofType(events, 'jwks.refetch_refused').map((e) => e.cause)).toEqual(['budget', 'recently_missing']);
    expect(kit.stats().jwks).toMatchObject({ fetches: 4, refetchesRefused: 2 });
  });
});

describe('kit.onEvent: revocations', () => {
  it('tells each revocation applied once, with its subject, and the store as healthy', async () => {
    const { kit, events } = makeKit({ revocation: createMemoryRevocationStore({ now: clock.now }) });
    await kit.revoke({ sub: 'user-9' });
    // An older revocation of the same subject changes nothing, so it is not applied.
    await kit.revoke({ sub: 'user-9', before: clock.now() - 1_000 });
    expect(ofType(events, 'revocation.applied')).toEqual([{ type: 'revocation.applied', iss: issuer.issuer, sub: 'user-9', before: clock.now() }]);
    expect(kit.stats().revocation).toEqual({ healthy: true, applied: 1 });
  });
});
