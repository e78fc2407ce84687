/**
 * The key store under rotation, faults and attack, end to end through a kit: the real
 * `oidc-provider` rotating its signing key, and a JWKS server on 127.0.0.1 that changes
 * keys or hangs. Time is injected; nothing sleeps.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthContext } from '../../src/core/context.js';
import { authErrorResponse } from '../../src/core/error-response.js';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { AUDIENCE, startForge, type Forge } from '../security/forge.js';
import { jwksAnswer } from '../helpers/serve-json.js';
import { makeKey, manualClock } from '../helpers/jwks-test-server.js';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';

const API = 'https://api.example.test';
const TTL = 300_000;
const COOLDOWN = 30_000;

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const errorOf = (auth: AuthContext) => (auth.status === 'authenticated' ? undefined : auth.error);
// The token's own claims and signature under a header naming a kid Logto never published:
// what anyone can send, with every claim right.
const withKid = (token: string, kid: string): string => {
  const [header = '', ...rest] = token.split('.');
  const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  return [Buffer.from(JSON.stringify({ ...decoded, kid })).toString('base64url'), ...rest].join('.');
};
const settled = (kit: AuthKit) => vi.waitFor(() => expect(kit.jwks.state.reloading).toBe(false), { timeout: 5_000, interval: 5 });

describe('unknown kids after a rotation (the real oidc-provider)', () => {
  async function setup() {
    const op: OidcStandIn = await startOidcProvider();
    closers.push(() => op.close());
    const clock = manualClock(Date.now());
    const kit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API, now: clock.now, jwksCacheTtl: TTL, jwksCooldown: COOLDOWN });
    closers.push(() => kit.close());
    const first = await op.clientCredentialsToken({ resource: API });
    expect((await kit.createAuthContext(bearer(first))).status).toBe('authenticated');
    return { op, kit, clock, first };
  }

  it('one junk-kid token does not make tokens of the key Logto just rotated to a 401', async () => {
    const { op, kit, first } = await setup();
    const junk = await kit.createAuthContext(bearer(withKid(first, 'junk-kid')));
    expect(errorOf(junk)?.code).toBe('invalid_token');
    await op.rotateKeys();
    const rotated = await op.clientCredentialsToken({ resource: API });
    expect(rotated.split('.')[0]).not.toBe(first.split('.')[0]);
    expect(await kit.createAuthContext(bearer(rotated))).toMatchObject({ status: 'authenticated', userId: op.m2m.clientId });
  });

  it('when junk kids have spent the refetch budget, a new kid is a 503 with Retry-After, never a 401', async () => {
    const { op, kit, clock, first } = await setup();
    const hitsBefore = kit.jwks.fetchCount;
    for (let i = 0; i < 20; i++) await kit.createAuthContext(bearer(withKid(first, `junk-${i}`)));
    const spent = kit.jwks.fetchCount - hitsBefore;
    // A small bucket: three refetches, not one per junk kid.
    expect(spent).toBe(3);
    await op.rotateKeys();
    const rotated = await op.clientCredentialsToken({ resource: API });
    const error = errorOf(await kit.createAuthContext(bearer(rotated)));
    expect(error?.code).toBe('jwks_unavailable');
    expect(error?.status).toBe(503);
    const retryAfter = error?.retryAfter ?? 0;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(COOLDOWN / 1000);
    const response = authErrorResponse(error ?? expect.unreachable());
    expect(response.headers['retry-after']).toBe(String(retryAfter));
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(kit.jwks.state.unknownKidRefetchesLeft).toBe(0);
    // Once the bucket refills the new key is found, with one more fetch.
    clock.advance(retryAfter * 1000);
    expect((await kit.createAuthContext(bearer(rotated))).status).toBe('authenticated');
    expect(kit.jwks.fetchCount - hitsBefore).toBe(spent + 1);
  });

  it('a kid looked up in vain is not refetched again within the cooldown, and is a 401', async () => {
    const { kit, clock, first } = await setup();
    const junk = bearer(withKid(first, 'looked-up'));
    expect(errorOf(await kit.createAuthContext(junk))?.code).toBe('invalid_token');
    const count = kit.jwks.fetchCount;
    for (let i = 0; i < 10; i++) expect(errorOf(await kit.createAuthContext(junk))?.status).toBe(401);
    expect(kit.jwks.fetchCount).toBe(count);
    clock.advance(COOLDOWN);
    expect(errorOf(await kit.createAuthContext(junk))?.code).toBe('invalid_token');
    expect(kit.jwks.fetchCount).toBe(count + 1);
  });
});

describe('cached tokens follow the key set', () => {
  async function setup() {
    const clock = manualClock(Date.now());
    const forge: Forge = await startForge(clock.now);
    closers.push(() => forge.close());
    const kit = createAuthKit({ logtoUrl: forge.logtoUrl, audience: AUDIENCE, now: clock.now, jwksCacheTtl: TTL, jwksCooldown: COOLDOWN });
    closers.push(() => kit.close());
    return { clock, forge, kit };
  }

  it('a token cached under a key that left the set is refused once the set is refreshed on schedule', async () => {
    const { clock, forge, kit } = await setup();
    const token = await forge.token({ sub: 'cached' });
    expect((await kit.createAuthContext(bearer(token))).status).toBe('authenticated');
    forge.server.handle(jwksAnswer({ keys: [forge.rs256.jwk] }));
    clock.advance(TTL);
    // Only cache hits arrive; the schedule, not a cache miss, notices the removal.
    await kit.createAuthContext(bearer(token));
    await settled(kit);
    expect(forge.jwksHits()).toBe(2);
    const refused = errorOf(await kit.createAuthContext(bearer(token)));
    expect([refused?.code, refused?.status]).toEqual(['invalid_token', 401]);
  });

  it('new key material under the same kid drops the tokens the old material verified', async () => {
    const { clock, forge, kit } = await setup();
    const token = await forge.token({ sub: 'cached' });
    expect((await kit.createAuthContext(bearer(token))).status).toBe('authenticated');
    const other = await makeKey('ES384');
    // The same kid, another key: whatever the old key signed is no longer Logto's word.
    forge.server.handle(jwksAnswer({ keys: [{ ...other.jwk, kid: forge.es384.kid }, forge.rs256.jwk] }));
    clock.advance(TTL);
    await kit.createAuthContext(bearer(await forge.token({ sub: 'fresh' })));
    await settled(kit);
    expect(forge.jwksHits()).toBe(2);
    const refused = errorOf(await kit.createAuthContext(bearer(token)));
    expect([refused?.code, refused?.status]).toEqual(['invalid_token', 401]);
    const resigned = await forge.sign({ alg: 'ES384', typ: 'at+jwt', kid: forge.es384.kid }, forge.claims({ sub: 'new-material' }), other);
    expect((await kit.createAuthContext(bearer(resigned))).status).toBe('authenticated');
  });
});

describe('stale-while-revalidate', () => {
  it('with a stale set and a hung JWKS endpoint, cache misses are served at once while one refresh runs', async () => {
    const clock = manualClock(Date.now());
    const forge = await startForge(clock.now);
    closers.push(() => forge.close());
    // A deadline far beyond the test's: a request that waited for the fetch could not pass.
    const kit = createAuthKit({ logtoUrl: forge.logtoUrl, audience: AUDIENCE, now: clock.now, jwksCacheTtl: TTL, jwksCooldown: COOLDOWN, jwksTimeout: 120_000 });
    closers.push(() => kit.close());
    expect((await kit.createAuthContext(bearer(await forge.token()))).status).toBe('authenticated');
    const held: ServerResponse[] = [];
    forge.server.handle((_req, res) => void held.push(res));
    clock.advance(TTL + 1);
    for (let i = 0; i < 20; i++) {
      const auth = await kit.createAuthContext(bearer(await forge.token({ sub: `miss-${i}` })));
      expect(auth.status).toBe('authenticated');
    }
    expect(forge.jwksHits()).toBe(2);
    expect(kit.jwks.state).toMatchObject({ status: 'reloading', keySet: 'stale', usable: true, reloading: true });
    expect(held).toHaveLength(1);
  }, 10_000);
});
