import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { AuthError } from '../../src/core/errors.js';
import type { AuthKitOptions } from '../../src/core/options.js';
import { createMemoryRevocationStore } from '../../src/revocation/index.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { startServer, type ControlledServer } from '../helpers/serve-json.js';

let issuer: TestIssuer;
const kits: AuthKit<unknown>[] = [];
const makeKit = <T = Record<string, unknown>>(extra: Partial<AuthKitOptions<T>> = {}): AuthKit<T> => {
  const kit = createAuthKit<T>({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, ...extra });
  kits.push(kit as AuthKit<unknown>);
  return kit;
};
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await issuer.close();
});

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(() => expect.unreachable('was accepted'), (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('createAuthKit: the pipeline', () => {
  it('authenticates a Logto-shaped token from the Authorization header', async () => {
    const kit = makeKit();
    const token = await issuer.mintToken({ sub: 'user-1', scope: 'read:posts write:posts' });
    const auth = await kit.createAuthContext(bearer(token));
    expect(auth).toMatchObject({ status: 'authenticated', isAuthenticated: true, isGuest: false, userId: 'user-1', guestId: undefined, token, isMachine: false });
    if (auth.status !== 'authenticated') return;
    expect(auth.scopes).toEqual(['read:posts', 'write:posts']);
    expect(auth.hasScopes('read:posts')).toBe(true);
    expect(auth.hasScopes('read')).toBe(false);
    expect(auth.payload.sub).toBe('user-1');
  });

  it('marks machine-to-machine tokens (sub === client_id)', async () => {
    const kit = makeKit();
    const auth = await kit.verifyToken(await issuer.mintToken({ sub: 'm2m', client_id: 'm2m' }));
    expect(auth.isMachine).toBe(true);
  });

  it('reads the cookie first and a Fetch Request alike', async () => {
    const kit = makeKit();
    const cookieToken = await issuer.mintToken({ sub: 'from-cookie' });
    const headerToken = await issuer.mintToken({ sub: 'from-header' });
    const request = new Request('http://api.test/x', { headers: { cookie: `logto_authtoken=${cookieToken}`, authorization: `Bearer ${headerToken}` } });
    expect((await kit.createAuthContext(request)).userId).toBe('from-cookie');
    const headerFirst = makeKit({ tokenSources: ['header', 'cookie'] });
    expect((await headerFirst.createAuthContext(request)).userId).toBe('from-header');
  });

  it('regression: seed let an invalid cookie hide a valid Bearer header', async () => {
    const kit = makeKit();
    const expired = await issuer.mintToken({ sub: 'stale' }, { now: Date.now() - 7_200_000 });
    const good = await issuer.mintToken({ sub: 'fresh' });
    const auth = await kit.createAuthContext({ headers: { cookie: `logto_authtoken=${expired}`, authorization: `Bearer ${good}` } });
    expect(auth.userId).toBe('fresh');
  });

  it('when no token is valid, the error is the first presented token’s', async () => {
    const kit = makeKit();
    const expired = await issuer.mintToken({}, { now: Date.now() - 7_200_000 });
    const auth = await kit.createAuthContext({ headers: { cookie: `logto_authtoken=${expired}`, authorization: 'Bearer abc.def.ghi' } });
    expect(auth.status).toBe('anonymous');
    expect(auth.error?.code).toBe('token_expired');
  });

  it('no token: anonymous with missing_token; createAuthContext never rejects, verifyAuth does', async () => {
    const kit = makeKit();
    const auth = await kit.createAuthContext({ headers: {} });
    expect(auth).toMatchObject({ status: 'anonymous', isAuthenticated: false, userId: null, payload: null });
    expect(auth.error?.code).toBe('missing_token');
    expect(auth.error?.wwwAuthenticate).toBe('Bearer realm="api"');
    expect((await rejection(kit.verifyAuth({ headers: {} }))).code).toBe('missing_token');
  });

  it('regression: seed answered a missing required scope with 401 instead of 403', async () => {
    const kit = makeKit({ requiredScope: ['read:posts', 'write:posts'] });
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const error = await rejection(kit.verifyToken(token));
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403 });
    expect(error.message).toContain('write:posts');
    expect(error.wwwAuthenticate).toContain('scope="read:posts write:posts"');
    await expect(kit.verifyToken(await issuer.mintToken({ scope: 'write:posts read:posts' }))).resolves.toMatchObject({ status: 'authenticated' });
  });

  it('guest mode: no token gives a guest; a bad token gives a guest carrying the error', async () => {
    const kit = makeKit({ allowGuest: true });
    const fresh = await kit.createAuthContext({ headers: {} });
    expect(fresh).toMatchObject({ status: 'guest', isGuest: true, isNewGuest: true, userId: null });
    expect(fresh.guestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.error).toBeUndefined();
    const id = '5f1d7a38-9a8e-4f5e-9a57-1c2f0c7d8e90';
    const known = await kit.createAuthContext({ headers: { cookie: `guest_logto_authtoken=${id}`, authorization: 'Bearer x.y.z' } });
    expect(known).toMatchObject({ status: 'guest', guestId: id, isNewGuest: false });
    expect(known.error?.code).toBe('invalid_token');
  });

  it('regression: seed verifyAuth(tokenString) ignored allowGuest', async () => {
    const kit = makeKit({ allowGuest: true });
    await expect(kit.verifyAuth('not-a-token')).resolves.toMatchObject({ status: 'guest' });
    const strict = makeKit();
    expect((await rejection(strict.verifyAuth('not-a-token'))).code).toBe('invalid_token');
  });

  it('a typed claims schema parses custom claims; a failure is invalid_claims', async () => {
    const schema = {
      safeParse: (v: unknown) =>
        typeof v === 'object' && v !== null && typeof (v as { plan?: unknown }).plan === 'string'
          ? { success: true as const, data: { plan: (v as { plan: string }).plan } }
          : { success: false as const, error: new Error('plan missing') },
    };
    const kit = makeKit({ claims: schema });
    const auth = await kit.verifyToken(await issuer.mintToken({ plan: 'pro' }));
    expect(auth.claims.plan).toBe('pro');
    expect((await rejection(kit.verifyToken(await issuer.mintToken()))).code).toBe('invalid_claims');
  });

  it('refuses a cookie-borne token on a cross-site POST (csrf_rejected, 403) but not a Bearer one', async () => {
    const kit = makeKit();
    const token = await issuer.mintToken();
    const crossSite = { method: 'POST', headers: { cookie: `logto_authtoken=${token}`, 'sec-fetch-site': 'cross-site', host: 'api.test' } };
    const auth = await kit.createAuthContext(crossSite);
    expect(auth.error).toMatchObject({ code: 'csrf_rejected', status: 403 });
    const viaHeader = { method: 'POST', headers: { authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site' } };
    expect((await kit.createAuthContext(viaHeader)).status).toBe('authenticated');
    const off = makeKit({ csrf: false });
    expect((await off.createAuthContext(crossSite)).status).toBe('authenticated');
  });

  it('enforces maxTokenAge from iat, on cache hits too', async () => {
    let now = Date.now();
    const kit = makeKit({ maxTokenAge: 600, now: () => now });
    const token = await issuer.mintToken({}, { now, expiresIn: 3600 });
    await expect(kit.verifyToken(token)).resolves.toMatchObject({ status: 'authenticated' });
    now += 700_000;
    expect((await rejection(kit.verifyToken(token))).code).toBe('token_too_old');
  });
});

describe('verified-token cache', () => {
  it('serves a repeated token without re-verifying, and never past its exp', async () => {
    let now = Date.now();
    const kit = makeKit({ now: () => now });
    const token = await issuer.mintToken({}, { now, expiresIn: 60 });
    const first = await kit.verifyToken(token);
    const again = await kit.verifyToken(token);
    // A hit: the same frozen payload, in a context of its own (the cache keeps no context, see token-cache).
    expect(again.payload).toBe(first.payload);
    expect([again.token, again.userId, again.expiresAt.getTime(), again.scopes]).toEqual([first.token, first.userId, first.expiresAt.getTime(), first.scopes]);
    expect(kit.stats().verifications).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
    now += 66_000;
    expect((await rejection(kit.verifyToken(token))).code).toBe('token_expired');
  });

  it('drops cached tokens whose kid left the key set', async () => {
    let now = Date.now();
    const local = await createTestIssuer();
    const kit = createAuthKit({ logtoUrl: local.logtoUrl, audience: local.audience, now: () => now, jwksCacheTtl: 1_000 });
    const token = await local.mintToken();
    await kit.verifyToken(token);
    await local.rotateKeys();
    await local.rotateKeys(); // the first key is now gone from the set
    now += 2_000;
    const fresh = await local.mintToken();
    await kit.verifyToken(fresh); // refresh sees the new set
    expect((await rejection(kit.verifyToken(token))).code).toBe('invalid_token');
    kit.close();
    await local.close();
  });
});

describe('hostile input (issue 3 list)', () => {
  let kit: AuthKit;
  beforeAll(() => {
    kit = makeKit();
  });
  const refusedFast = async (token: string, code = 'invalid_token') => {
    const fetchesBefore = issuer.jwksRequests;
    const error = await rejection(kit.verifyToken(token));
    expect(error.code).toBe(code);
    expect(error.status).toBe(401);
    return { error, fetches: issuer.jwksRequests - fetchesBefore };
  };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  it('alg none', async () => {
    const payload = { iss: issuer.issuer, aud: issuer.audience, sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 };
    await refusedFast(`${b64({ alg: 'none', typ: 'at+jwt', kid: 'k' })}.${b64(payload)}.`);
    await refusedFast(`${b64({ alg: 'none', typ: 'at+jwt', kid: 'k' })}.${b64(payload)}.AA`);
  });

  it('HS256 signed with the public key as the secret', async () => {
    const jwk = issuer.jwks().keys[0] as JWK;
    const secret = new TextEncoder().encode(JSON.stringify(jwk));
    const token = await new SignJWT({ sub: 'attacker' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid as string })
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setExpirationTime('1h')
      .sign(secret);
    await refusedFast(token);
  });

  it('embedded jwk with the attacker’s own key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const token = await issuer.mintToken({ sub: 'attacker' }, { key: privateKey, header: { jwk } });
    await refusedFast(token);
  });

  it('jku pointing at a loopback server: the server receives no request', async () => {
    const attacker: ControlledServer = await startServer((_req, res) => res.end('{"keys":[]}'));
    const { privateKey } = await generateKeyPair('ES384');
    const token = await issuer.mintToken({}, { key: privateKey, kid: 'attacker-kid', header: { jku: `${attacker.url}/jwks`, x5u: `${attacker.url}/x5u` } });
    await refusedFast(token);
    const unknownKid = await issuer.mintToken({}, { key: privateKey, kid: 'attacker-kid' });
    await refusedFast(unknownKid);
    expect(attacker.requests).toEqual([]);
    await attacker.close();
  });

  it('ECDSA signature of all zeros (CVE-2022-21449)', async () => {
    const [h, p] = (await issuer.mintToken()).split('.') as [string, string];
    await refusedFast(`${h}.${p}.${Buffer.alloc(96).toString('base64url')}`);
  });

  it('an ID token (typ JWT, or none) and a logout token presented as access tokens', async () => {
    await refusedFast(await issuer.mintIdToken({ aud: issuer.audience }));
    await refusedFast(await issuer.mintToken({}, { header: { typ: undefined } }));
    await refusedFast(await issuer.mintLogoutToken({ aud: issuer.audience }));
  });

  it('a 1 MB token is refused before any parsing', async () => {
    const huge = `${'a'.repeat(500_000)}.${'b'.repeat(500_000)}.c`;
    const start = performance.now();
    const { error } = await refusedFast(huge);
    expect(performance.now() - start).toBeLessThan(20);
    expect(error.message).not.toContain('aaaa');
  });

  it('a token for another resource is invalid_audience, for another issuer invalid_issuer', async () => {
    await refusedFast(await issuer.mintToken({ aud: 'https://other.example.test' }), 'invalid_audience');
    await refusedFast(await issuer.mintToken({ iss: 'https://evil.example/oidc' }), 'invalid_issuer');
  });

  it('regression: seed refetched the JWKS on every unknown kid or bad signature (a DoS amplifier)', async () => {
    const local = await createTestIssuer();
    const dos = createAuthKit({ logtoUrl: local.logtoUrl, audience: local.audience });
    await dos.verifyToken(await local.mintToken()); // warm: one fetch
    const { privateKey } = await generateKeyPair('ES384');
    const before = local.jwksRequests;
    const forged = await Promise.all(Array.from({ length: 200 }, (_, i) => local.mintToken({}, { key: privateKey, kid: `random-${i}` })));
    const badSig = await Promise.all(Array.from({ length: 50 }, () => local.mintToken({}, { key: privateKey })));
    const results = await Promise.all([...forged, ...badSig].map((t) => dos.verifyToken(t).then(() => 'accepted', (e: AuthError) => e.code)));
    expect(new Set(results)).toEqual(new Set(['invalid_token']));
    expect(local.jwksRequests - before).toBeLessThanOrEqual(1);
    dos.close();
    await local.close();
  });

  it('an outage is 503 jwks_unavailable, never a 401 code', async () => {
    const dead = createAuthKit({ issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:1/oidc/jwks', audience: issuer.audience, jwksTimeout: 500 });
    const error = await rejection(dead.verifyToken(await issuer.mintToken()));
    expect(error).toMatchObject({ code: 'jwks_unavailable', status: 503 });
    const auth = await dead.createAuthContext(bearer(await issuer.mintToken()));
    expect(auth.error?.status).toBe(503);
    dead.close();
  });

  it('RSA keys without alg in the JWK verify RS256 tokens (a Logto fact)', async () => {
    const rsa = await createTestIssuer({ alg: 'RS256' });
    const rsaKit = createAuthKit({ logtoUrl: rsa.logtoUrl, audience: rsa.audience });
    const jwk = rsa.jwks().keys[0] as JWK;
    expect(jwk.alg).toBeUndefined();
    await importJWK(jwk, 'RS256');
    await expect(rsaKit.verifyToken(await rsa.mintToken({ sub: 'rsa-user' }))).resolves.toMatchObject({ userId: 'rsa-user' });
    rsaKit.close();
    await rsa.close();
  });
});

describe('revocations outlive the tokens they revoke (issue 12, item 5)', () => {
  const MIN = 60_000;
  // One clock for the kit, the store and the issuer.
  const setup = (ttl?: number, extra: Partial<AuthKitOptions> = {}) => {
    const clock = { now: Date.now() };
    const now = () => clock.now;
    const revocation = createMemoryRevocationStore({ now, ...(ttl === undefined ? {} : { ttl }) });
    return { clock, revocation, kit: makeKit({ revocation, now, ...extra }) };
  };

  it('regression: a revoked 2 h token never comes back once the store (ttl 65 min) forgets the revocation', async () => {
    const { clock, kit } = setup();
    const start = clock.now;
    const token = await issuer.mintToken({ sub: 'long-lived' }, { now: start - 1_000, expiresIn: 7_200 });
    await kit.revoke({ sub: 'long-lived' }).catch(() => undefined);
    for (const minutes of [0, 30, 64, 66, 90, 119]) {
      clock.now = start + minutes * MIN;
      const error = await rejection(kit.verifyToken(token));
      expect([minutes, error.code, error.status]).toEqual([minutes, 'token_too_old', 401]);
    }
  });

  it('a 1 h token (Logto’s default) stays revoked until it expires; the store outlives it', async () => {
    const { clock, kit, revocation } = setup();
    const start = clock.now;
    const token = await issuer.mintToken({ sub: 'one-hour' }, { now: start - 1_000 });
    expect((await kit.verifyToken(token)).userId).toBe('one-hour');
    await kit.revoke({ sub: 'one-hour' });
    for (const minutes of [0, 30, 59]) {
      clock.now = start + minutes * MIN;
      expect((await rejection(kit.verifyToken(token))).code).toBe('token_revoked');
    }
    clock.now = start + 60 * MIN + 6_000;
    expect((await rejection(kit.verifyToken(token))).code).toBe('token_expired');
    expect(revocation.getRevokedAt('one-hour', issuer.issuer)).toBeDefined();
  });

  it('a long token is accepted when the store remembers long enough, or when maxTokenAge bounds it', async () => {
    const roomy = setup(3 * 60 * MIN);
    const token = await issuer.mintToken({ sub: 'roomy' }, { now: roomy.clock.now - 1_000, expiresIn: 7_200 });
    expect((await roomy.kit.verifyToken(token)).userId).toBe('roomy');
    const bounded = setup(undefined, { maxTokenAge: 1_800 });
    const other = await issuer.mintToken({ sub: 'bounded' }, { now: bounded.clock.now - 1_000, expiresIn: 7_200 });
    expect((await bounded.kit.verifyToken(other)).userId).toBe('bounded');
    // Without iat the age of a token is unknown, so no store ttl covers it.
    const noIat = await issuer.mintToken({ sub: 'no-iat', iat: undefined });
    expect((await rejection(bounded.kit.verifyToken(noIat))).code).toBe('token_too_old');
  });
});

describe('kit.revoke and issuers', () => {
  it('revokes for every issuer of the kit without iss, for one with it, and refuses an issuer the kit does not trust', async () => {
    const other = 'https://custom-domain.example.com/oidc';
    const revocation = createMemoryRevocationStore();
    const kit = makeKit({ issuer: [issuer.issuer, other], jwksUrl: issuer.jwksUrl, logtoUrl: undefined, revocation });
    await kit.revoke({ sub: 'both' });
    expect([revocation.getRevokedAt('both', issuer.issuer), revocation.getRevokedAt('both', other)].every((t) => typeof t === 'number')).toBe(true);
    await kit.revoke({ sub: 'one', iss: other });
    expect([revocation.getRevokedAt('one', issuer.issuer), typeof revocation.getRevokedAt('one', other)]).toEqual([undefined, 'number']);
    await expect(kit.revoke({ sub: 'x', iss: 'https://elsewhere.example.com/oidc' })).rejects.toThrow(/"iss"/);
    const token = await issuer.mintToken({ sub: 'one' }, { now: Date.now() - 5_000 });
    expect((await kit.verifyToken(token)).userId).toBe('one');
  });
});

describe('kit.revoke within one organization', () => {
  it('refuses the user’s tokens bound to that organization (organization_id or organization token), cached or not, and keeps their others', async () => {
    const now = Date.now();
    const revocation = createMemoryRevocationStore();
    const kit = makeKit({ revocation, organizationTokens: true });
    const mint = (claims: Record<string, unknown>) => issuer.mintToken({ sub: 'member', ...claims }, { now: now - 5_000 });
    const inOrg = await mint({ organization_id: 'org-left' });
    const orgToken = await issuer.mintOrganizationToken('org-left', [], { sub: 'member' }, { now: now - 5_000 });
    const otherOrg = await mint({ organization_id: 'org-kept' });
    const plain = await mint({});
    const otherUser = await issuer.mintToken({ sub: 'someone-else', organization_id: 'org-left' }, { now: now - 5_000 });
    // Cached first: a revocation must reach tokens the cache already holds.
    for (const token of [inOrg, orgToken, otherOrg, plain, otherUser]) await kit.verifyToken(token);
    await kit.revoke({ sub: 'member', organizationId: 'org-left' });
    expect((await rejection(kit.verifyToken(inOrg))).code).toBe('token_revoked');
    expect((await rejection(kit.verifyToken(orgToken))).code).toBe('token_revoked');
    for (const token of [otherOrg, plain, otherUser]) expect((await kit.verifyToken(token)).isAuthenticated).toBe(true);
    // A fresh token in that organization (issued after the revocation) is accepted.
    expect((await kit.verifyToken(await issuer.mintToken({ sub: 'member', organization_id: 'org-left' }, { now: now + 2_000 }))).organizationId).toBe('org-left');
    expect(revocation.getRevokedAt('member', issuer.issuer)).toBeUndefined();
    await expect(kit.revoke({ sub: 'member', organizationId: '' })).rejects.toThrow(/"organizationId"/);
  });
});
