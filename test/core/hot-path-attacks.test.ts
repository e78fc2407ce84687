import vm from 'node:vm';
import { inspect } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { authorize, createAuthKit, whenAuthenticated, type AuthContext, type AuthKit, type RevocationStore } from '../../src/core/index.js';
import { AuthError } from '../../src/core/errors.js';
import type { AuthKitEvent } from '../../src/core/events.js';
import type { AuthKitOptions } from '../../src/core/options.js';
import { createMemoryRevocationStore } from '../../src/revocation/index.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

// An attacker's review of the token hot path: the digest-keyed cache, the hot map of tokens in use,
// remembered forgeries, same-tick answers and revocation checks. Real signed tokens, a real JWKS on
// 127.0.0.1, time injected through `now`; assertions on counts and outcomes, never on times.
let issuer: TestIssuer;
const kits: AuthKit[] = [];
const issuers: TestIssuer[] = [];
const makeKit = (extra: Partial<AuthKitOptions> = {}, on: TestIssuer = issuer): AuthKit => {
  const kit = createAuthKit({ logtoUrl: on.logtoUrl, audience: on.audience, ...extra });
  kits.push(kit);
  return kit;
};
const ownIssuer = async (): Promise<TestIssuer> => {
  const own = await createTestIssuer();
  issuers.push(own);
  return own;
};
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const authOf = async (kit: AuthKit, token: string): Promise<AuthContext> => kit.authenticate(bearer(token));
const codeOf = async (kit: AuthKit, token: string): Promise<string> => {
  const auth = await authOf(kit, token);
  return auth.status === 'authenticated' ? 'authenticated' : (auth.error?.reason ?? 'none');
};
/** Present `token` `n` times; from the third sight on it is answered from the hot map. */
const sights = async (kit: AuthKit, token: string, n = 3): Promise<AuthContext[]> => {
  const seen: AuthContext[] = [];
  for (let i = 0; i < n; i++) seen.push(await authOf(kit, token));
  return seen;
};
const hits = (kit: AuthKit): number => kit.stats().verifications.cacheHits;
const segments = (token: string): [string, string, string] => token.split('.') as [string, string, string];
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (segment: string): Record<string, unknown> => JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>;
const kidOf = (token: string): string => decode(segments(token)[0]).kid as string;
/** The next JWKS fetch to finish (succeeded or failed). */
const fetched = (kit: AuthKit): Promise<void> =>
  new Promise((resolve) => {
    const stop = kit.onEvent((event) => {
      if (event.type === 'jwks.fetch' && event.phase !== 'started') (stop(), resolve());
    });
  });
/** A JWKS publishing another ES384 key under `kid`: the same kid, new key material. */
const foreignKeyUnder = async (kid: string) => {
  const pair = await generateKeyPair('ES384', { extractable: true });
  return { keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES384', use: 'sig' }] };
};
/** A revocation store written by another instance: no `subscribe`, so only the per-request read can tell. */
const sharedStore = (now: () => number) => {
  const inner = createMemoryRevocationStore({ now });
  const store: RevocationStore = { ttl: inner.ttl, getRevokedAt: (sub, iss) => inner.getRevokedAt(sub, iss), revoke: (r) => inner.revoke(r) };
  return { store, otherInstance: inner };
};

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  for (const own of issuers) await own.close();
  await issuer.close();
});

describe('revocation against cached and hot tokens', () => {
  it('a hot token revoked by another instance (sync store, no subscribe) is refused on the next hit, in the same tick', async () => {
    const now = Date.now();
    const { store, otherInstance } = sharedStore(() => now);
    const kit = makeKit({ revocation: store, now: () => now });
    const token = await issuer.mintToken({ sub: 'victim-sync' }, { now: now - 5_000 });
    expect((await sights(kit, token)).map((a) => a.status)).toEqual(['authenticated', 'authenticated', 'authenticated']);
    await otherInstance.revoke({ iss: issuer.issuer, sub: 'victim-sync', before: now });
    const answer = kit.authenticate(bearer(token));
    expect(answer).not.toBeInstanceOf(Promise);
    expect((answer as AuthContext).error?.reason).toBe('revoked');
  });

  it('a hot token revoked by another instance behind an async store is refused: the hit waits for the store', async () => {
    const now = Date.now();
    const { otherInstance } = sharedStore(() => now);
    const store: RevocationStore = { ttl: otherInstance.ttl, getRevokedAt: async (sub, iss) => otherInstance.getRevokedAt(sub, iss), revoke: (r) => otherInstance.revoke(r) };
    const kit = makeKit({ revocation: store, now: () => now });
    const token = await issuer.mintToken({ sub: 'victim-async' }, { now: now - 5_000 });
    await sights(kit, token);
    await otherInstance.revoke({ iss: issuer.issuer, sub: 'victim-async', before: now });
    const answer = kit.authenticate(bearer(token));
    expect(answer).toBeInstanceOf(Promise);
    expect((await answer).error?.reason).toBe('revoked');
    expect(await codeOf(kit, token)).toBe('revoked');
  });

  it('a revocation landing while the first verification awaits a stale store read does not leave the token cached as good', async () => {
    const now = Date.now();
    const { otherInstance } = sharedStore(() => now);
    let release: (value: number | undefined) => void = () => undefined;
    let gated = true;
    const store: RevocationStore = {
      ttl: otherInstance.ttl,
      // The first read is answered late, with what the store held before the revocation.
      getRevokedAt: (sub, iss) => (gated ? ((gated = false), new Promise((resolve) => (release = resolve))) : otherInstance.getRevokedAt(sub, iss)),
      revoke: (r) => otherInstance.revoke(r),
    };
    const kit = makeKit({ revocation: store, now: () => now });
    const token = await issuer.mintToken({ sub: 'victim-race' }, { now: now - 5_000 });
    const inFlight = authOf(kit, token);
    await vi.waitFor(() => expect(gated).toBe(false));
    await kit.revoke({ sub: 'victim-race', before: now });
    release(undefined);
    expect((await inFlight).status).toBe('authenticated'); // read before the revocation: linearizable
    for (let i = 0; i < 3; i++) expect(await codeOf(kit, token)).toBe('revoked');
  });

  it('a hot organization token is refused after its user is revoked within that organization, other tokens kept', async () => {
    const now = Date.now();
    const { store, otherInstance } = sharedStore(() => now);
    const kit = makeKit({ revocation: store, organizationTokens: true, now: () => now });
    const orgToken = await issuer.mintOrganizationToken('org-1', ['read'], { sub: 'member' }, { now: now - 5_000 });
    const plain = await issuer.mintToken({ sub: 'member' }, { now: now - 5_000 });
    await sights(kit, orgToken);
    await sights(kit, plain);
    // The organization subject never matches a cache entry's `sub`: only the per-hit read refuses it.
    await otherInstance.revoke({ iss: issuer.issuer, sub: JSON.stringify(['organization', 'org-1', 'member']), before: now });
    expect(await codeOf(kit, orgToken)).toBe('revoked');
    expect(await codeOf(kit, plain)).toBe('authenticated');
  });

  // Regression: `answer instanceof Promise` decided sync vs async, and anything else was compared as a
  // number (`issuedAtMs < thenable` is false), so a revoked token was accepted: fail-open.
  it('a revocation store answering with a promise of another realm (or any thenable) is still awaited, never read as "not revoked"', async () => {
    const now = Date.now();
    const foreignPromise = vm.runInNewContext('(value) => Promise.resolve(value)') as (value: number) => Promise<number>;
    const storeOf = (answer: () => Promise<number>): RevocationStore => ({ getRevokedAt: answer, revoke: async () => undefined });
    const thenable = (value: number) => ({ then: (resolve: (v: number) => void) => resolve(value) }) as unknown as Promise<number>;
    for (const revocation of [storeOf(() => foreignPromise(now)), storeOf(() => thenable(now))]) {
      const kit = makeKit({ revocation, now: () => now });
      const token = await issuer.mintToken({ sub: 'revoked-user' }, { now: now - 5_000 });
      expect(await codeOf(kit, token)).toBe('revoked');
      expect(await codeOf(kit, token)).toBe('revoked');
    }
  });
});

describe('revocation answers that are not a time', () => {
  it.each([
    ['NaN', () => Number.NaN],
    ['a date string', () => new Date().toISOString()],
    ['an object', () => ({ before: Date.now() })],
    ['a promise of a string', async () => String(Date.now())],
  ])('a store answering %s is an outage (503), never "not revoked"', async (_name, answer) => {
    const revocation = { getRevokedAt: answer, revoke: async () => undefined } as unknown as RevocationStore;
    const kit = makeKit({ revocation });
    const auth = await authOf(kit, await issuer.mintToken({ sub: 'odd-store' }));
    expect(auth.status).toBe('anonymous');
    expect(auth.error?.reason).toBe('revocation_unavailable');
    expect(auth.error?.status).toBe(503);
  });

  it('a store answering null (no entry) lets a token through, like undefined', async () => {
    const revocation = { getRevokedAt: () => null, revoke: async () => undefined } as unknown as RevocationStore;
    expect(await codeOf(makeKit({ revocation }), await issuer.mintToken({ sub: 'null-store' }))).toBe('authenticated');
  });
});

describe('keys changing under cached and hot tokens', () => {
  it('a hot token is refused once its kid keeps the name but gets new key material', async () => {
    const own = await ownIssuer();
    let now = Date.now();
    const kit = makeKit({ now: () => now, jwksCacheTtl: 1_000 }, own);
    const token = await own.mintToken({ sub: 'same-kid' }, { now });
    await sights(kit, token, 4);
    own.setJWKS(await foreignKeyUnder(kidOf(token)));
    now += 2_000;
    const refresh = fetched(kit);
    await authOf(kit, token); // served from the still-usable set; starts the refresh
    await refresh;
    expect(kit.stats().tokenCache?.entries).toBe(0);
    expect(await codeOf(kit, token)).toBe('bad_signature');
  });

  it('a token whose key material changes while it is being verified is not cached under the old key', async () => {
    const own = await ownIssuer();
    let now = Date.now();
    let release: (value: number | undefined) => void = () => undefined;
    let gated = true;
    const revocation: RevocationStore = {
      getRevokedAt: () => (gated ? ((gated = false), new Promise((resolve) => (release = resolve))) : undefined),
      revoke: async () => undefined,
    };
    const kit = makeKit({ now: () => now, jwksCacheTtl: 1_000, revocation }, own);
    const token = await own.mintToken({ sub: 'in-flight' }, { now });
    const inFlight = authOf(kit, token);
    await vi.waitFor(() => expect(gated).toBe(false)); // signature checked, revocation read pending
    own.setJWKS(await foreignKeyUnder(kidOf(token)));
    now += 2_000;
    const refresh = fetched(kit);
    kit.jwks.refreshIfDue();
    await refresh;
    release(undefined);
    expect((await inFlight).status).toBe('authenticated');
    expect(kit.stats().tokenCache?.entries).toBe(0);
    expect(await codeOf(kit, token)).toBe('bad_signature');
  });
});

describe('time against cached and hot tokens', () => {
  it('a hot token is accepted up to exp + clockTolerance and refused from then on (injected clock)', async () => {
    let now = Date.now();
    const kit = makeKit({ now: () => now, clockTolerance: 30 });
    const token = await issuer.mintToken({}, { now, expiresIn: 60 });
    const exp = decode(segments(token)[1]).exp as number;
    await sights(kit, token, 4);
    now = (exp + 30) * 1000 - 1;
    expect(await codeOf(kit, token)).toBe('authenticated');
    now = (exp + 30) * 1000;
    expect(await codeOf(kit, token)).toBe('expired');
    expect(await codeOf(kit, token)).toBe('expired');
  });

  it('a hot token is refused once past maxTokenAge, long before its exp', async () => {
    let now = Date.now();
    const kit = makeKit({ now: () => now, clockTolerance: 0, maxTokenAge: 600 });
    const token = await issuer.mintToken({}, { now, expiresIn: 3_600 });
    const iat = decode(segments(token)[1]).iat as number;
    await sights(kit, token, 4);
    const before = hits(kit);
    now = (iat + 601) * 1000;
    expect(await codeOf(kit, token)).toBe('too_old');
    expect(hits(kit)).toBe(before + 1); // decided on the hit itself
  });
});

describe('issuers and requirements against hot tokens', () => {
  it('on a multi-issuer kit, a revocation for one issuer refuses that issuer’s hot token only', async () => {
    const now = Date.now();
    const custom = 'https://auth.custom.example/oidc';
    const { store, otherInstance } = sharedStore(() => now);
    const kit = makeKit({ issuer: [issuer.issuer, custom], jwksUrl: issuer.jwksUrl, logtoUrl: undefined, revocation: store, now: () => now });
    const fromTenant = await issuer.mintToken({ sub: 'shared-sub' }, { now: now - 5_000 });
    const fromCustom = await issuer.mintToken({ sub: 'shared-sub', iss: custom }, { now: now - 5_000 });
    await sights(kit, fromTenant);
    await sights(kit, fromCustom);
    await otherInstance.revoke({ iss: custom, sub: 'shared-sub', before: now });
    expect(await codeOf(kit, fromCustom)).toBe('revoked');
    expect(await codeOf(kit, fromTenant)).toBe('authenticated');
  });

  it('a hot token never carries a requirement it met once: kit scopes re-checked per hit, route requirements per context', async () => {
    const kit = makeKit({ requiredScope: 'read:posts', organizationTokens: true });
    const lacking = await issuer.mintToken({ scope: 'write:posts' });
    const scoped = await issuer.mintOrganizationToken('org-a', ['read:posts']);
    for (const auth of await sights(kit, lacking, 4)) expect(auth.error?.reason).toBe('insufficient_scope');
    expect(hits(kit)).toBe(3);
    for (const auth of await sights(kit, scoped, 4)) {
      expect(authorize(auth)).toBeUndefined();
      expect(authorize(auth, { scopes: ['admin'] })?.code).toBe('insufficient_scope');
      expect(authorize(auth, { organization: 'org-b' })).toBeDefined();
      expect(authorize(auth, { organization: 'org-a', scopes: ['read:posts'] })).toBeUndefined();
    }
  });

  it('a hot cookie-borne token is still refused on a cross-site POST (CSRF is checked before any cache)', async () => {
    const kit = makeKit();
    const token = await issuer.mintToken({ sub: 'cookie-user' });
    const sameSite = { method: 'GET', headers: { cookie: `logto_authtoken=${token}`, 'sec-fetch-site': 'same-origin', host: 'api.test' } };
    const crossSite = { method: 'POST', headers: { cookie: `logto_authtoken=${token}`, 'sec-fetch-site': 'cross-site', host: 'api.test' } };
    for (let i = 0; i < 3; i++) expect((await kit.authenticate(sameSite)).userId).toBe('cookie-user');
    const answer = kit.authenticate(crossSite);
    expect(answer).not.toBeInstanceOf(Promise);
    expect((answer as AuthContext).error).toMatchObject({ code: 'csrf_rejected', status: 403 });
    expect((await kit.authenticate(sameSite)).userId).toBe('cookie-user');
  });

  // Regression: the hot map returns one frozen context object to every request of a token, and its
  // `expiresAt` was one mutable Date shared by all of them.
  it('a handler mutating its context’s expiresAt does not change what the next request with the token sees', async () => {
    const kit = makeKit();
    const token = await issuer.mintToken();
    const exp = decode(segments(token)[1]).exp as number;
    const [, , third] = await sights(kit, token, 3);
    if (third?.status !== 'authenticated') throw new Error('not authenticated');
    third.expiresAt.setTime(Date.UTC(2999, 0)); // e.g. a handler deriving a cookie expiry in place
    const fourth = await authOf(kit, token);
    expect(fourth.status === 'authenticated' && fourth.expiresAt.getTime()).toBe(exp * 1000);
  });
});

describe('remembered forgeries', () => {
  it('a genuine token refused while Logto changed the key under its kid is accepted after the refresh, refused again on a rotate-back, accepted again', async () => {
    const own = await ownIssuer();
    let now = Date.now();
    const kit = makeKit({ now: () => now, jwksCacheTtl: 1_000 }, own);
    const token = await own.mintToken({ sub: 'genuine' }, { now });
    const stale = await foreignKeyUnder(kidOf(token));
    const publish = async (jwks: unknown): Promise<void> => {
      own.setJWKS(jwks);
      now += 2_000;
      const refresh = fetched(kit);
      kit.jwks.refreshIfDue();
      await refresh;
    };
    own.setJWKS(stale);
    expect(await codeOf(kit, token)).toBe('bad_signature');
    expect(await codeOf(kit, token)).toBe('bad_signature'); // remembered
    await publish(undefined);
    expect((await sights(kit, token)).map((a) => a.status)).toEqual(['authenticated', 'authenticated', 'authenticated']);
    await publish(stale);
    expect(await codeOf(kit, token)).toBe('bad_signature');
    await publish(undefined);
    expect(await codeOf(kit, token)).toBe('authenticated');
  });

  it('a remembered forgery replayed during an outage is a 503 on every replay, and a 401 again once Logto is back', async () => {
    const own = await ownIssuer();
    let now = Date.now();
    const kit = makeKit({ now: () => now, jwksCacheTtl: 1_000, jwksStaleTtl: 10_000, jwksCooldown: 1_000 }, own);
    const { privateKey } = await generateKeyPair('ES384');
    const forged = await own.mintToken({}, { key: privateKey, now, expiresIn: 3_600 });
    expect((await authOf(kit, forged)).error?.status).toBe(401);
    expect((await authOf(kit, forged)).error?.status).toBe(401);
    own.setJWKS('not json');
    now += 20_000;
    for (let i = 0; i < 3; i++) {
      expect((await authOf(kit, forged)).error?.status).toBe(503);
      now += 1_001; // past the cooldown: each replay may try Logto again
    }
    own.setJWKS(undefined);
    now += 1_001;
    expect((await authOf(kit, forged)).error?.status).toBe(401);
  });
});

describe('cache poisoning with near-identical tokens', () => {
  const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === s[at]?.toUpperCase() ? s[at]?.toLowerCase() : s[at]?.toUpperCase()) + s.slice(at + 1);
  const variantsOf = (token: string): string[] => {
    const [h, p, s] = segments(token);
    const letter = s.search(/[a-zA-Z]/);
    return [
      `${h}.${p}.${flip(s, letter)}`,
      token.toUpperCase(),
      `${token}=`,
      `${token}==`,
      `${token} `,
      `${token}\n`,
      `${token}\t`,
      `${token}\0`,
      ` ${token}`,
      `${token}.`,
      `${h}..${p}.${s}`,
      `${token}\uD800`,
      `${token}\uDFFF`,
      `${token}\uFFFD`,
      `${token}\u200B`,
      token.replace(/A/, '\uFF21'), // fullwidth Ａ
      `${h}.${p}.${s.slice(0, -1)}`,
    ];
  };
  const attack = async (kit: AuthKit): Promise<void> => {
    const token = await issuer.mintToken({ sub: 'cached-user' });
    await sights(kit, token);
    const variants = variantsOf(token);
    expect(new Set(variants).size).toBe(variants.length);
    const before = hits(kit);
    // Straight to the verifier: the Authorization header's own trimming would undo some variants (legitimately).
    for (const variant of variants) expect(await kit.verifyToken(variant).then(() => 'accepted', (e: AuthError) => e.reason), JSON.stringify(variant.slice(-3))).not.toBe('accepted');
    expect(hits(kit)).toBe(before);
    // The other way round: forgeries remembered first never shadow the genuine token.
    const fresh = await issuer.mintToken({ sub: 'fresh-user' });
    const [h, p, s] = segments(fresh);
    const forged = `${h}.${p}.${flip(s, s.search(/[a-zA-Z]/))}`;
    expect(await codeOf(kit, forged)).toBe('bad_signature');
    expect(await codeOf(kit, forged)).toBe('bad_signature');
    expect((await sights(kit, fresh)).every((a) => a.userId === 'fresh-user')).toBe(true);
  };

  it('variants of a hot token (case, padding, trailing bytes, unicode, truncation) never hit its entry (SHA-256 keys)', async () => {
    await attack(makeKit());
  });

  it('variants of a hot token never hit its entry on the edge fallback (no node:crypto: the token is the key)', async () => {
    const noBuiltins = vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    let kit: AuthKit;
    try {
      kit = makeKit();
    } finally {
      noBuiltins.mockRestore();
    }
    const token = await issuer.mintToken();
    await kit.verifyToken(token);
    // The key is the token itself (2 bytes a character), not a 32-character digest: the fallback is in use.
    const payloadChars = Math.ceil((segments(token)[1].length * 3) / 4);
    expect(kit.stats().tokenCache?.bytes).toBe(2 * token.length + 2 * (token.length + payloadChars) + 512);
    await attack(kit);
  });
});

describe('memory bounds under floods', () => {
  const forgeryMaker = async (padding = 0) => {
    const [h, p, s] = segments(await issuer.mintToken({ sub: 'flood' }));
    const claims = decode(p);
    return (i: number): string => `${h}.${b64({ ...claims, n: String(i).padStart(6, '0'), pad: 'x'.repeat(padding) })}.${s}`;
  };

  it('a flood of 1,100 unique forgeries: at most 1,000 are remembered, oldest out first', async () => {
    const kit = makeKit();
    const forge = await forgeryMaker();
    for (let i = 1; i <= 1_100; i++) expect(await codeOf(kit, forge(i))).toBe('bad_signature');
    expect(hits(kit)).toBe(0);
    await codeOf(kit, forge(101)); // the oldest kept
    expect(hits(kit)).toBe(1);
    await codeOf(kit, forge(100)); // forgotten: verified again
    expect(hits(kit)).toBe(1);
    expect(kit.stats().tokenCache?.entries).toBe(0);
  });

  it('a flood of forgeries near maxTokenSize: remembered ones stay within 4 MiB (2 bytes a character + 384 each)', async () => {
    const kit = makeKit();
    const forge = await forgeryMaker(11_500);
    const length = forge(1).length;
    expect(length).toBeLessThanOrEqual(16_384);
    const kept = Math.floor((4 * 1024 * 1024) / (2 * length + 384));
    const total = kept + 20;
    for (let i = 1; i <= total; i++) expect(await codeOf(kit, forge(i))).toBe('bad_signature');
    await codeOf(kit, forge(total - kept + 1));
    expect(hits(kit)).toBe(1);
    await codeOf(kit, forge(total - kept));
    expect(hits(kit)).toBe(1);
  });

  it('a flood of unique genuine tokens, some with large claims: the cache stays within maxEntries and maxBytes', async () => {
    const kit = makeKit({ tokenCache: { maxEntries: 20, maxBytes: 80_000 } });
    const small = await Promise.all(Array.from({ length: 30 }, (_, i) => issuer.mintToken({ sub: `small-${i}` })));
    for (const token of small) await sights(kit, token, 2);
    expect(kit.stats().tokenCache?.entries).toBe(20);
    const large = await Promise.all(Array.from({ length: 10 }, (_, i) => issuer.mintToken({ sub: `large-${i}`, blob: 'y'.repeat(8_000) })));
    for (const token of large) await sights(kit, token, 2);
    const { entries, bytes } = kit.stats().tokenCache as { entries: number; bytes: number };
    expect(bytes).toBeLessThanOrEqual(80_000);
    expect(entries).toBeLessThan(10);
    expect(entries).toBeGreaterThan(0);
  });

  // Regression: `check` hashed every presented string for the cache lookup before the pre-check's
  // size limit, so a token over maxTokenSize cost a SHA-256 of all of it (~0.66 ms CPU per MB).
  it('a token over maxTokenSize is refused without being hashed', async () => {
    const crypto = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
    const hash = vi.spyOn(crypto, 'hash');
    let kit: AuthKit;
    try {
      kit = makeKit();
    } finally {
      hash.mockRestore();
    }
    const huge = `${'a'.repeat(500_000)}.${'b'.repeat(500_000)}.c`;
    expect(await codeOf(kit, huge)).toBe('token_too_large');
    expect(hash.mock.calls.filter(([, data]) => typeof data === 'string' && data.length > 16_384)).toHaveLength(0);
  });
});

describe('what refusals tell, and how they arrive', () => {
  it('errors, events and onRefused reports of refused tokens (first sight, remembered, expired, schema mismatch) carry no token or payload', async () => {
    let now = Date.now();
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    const reports: unknown[] = [];
    const kit = makeKit({ now: () => now, onRefused: (report) => reports.push(report), onRefusedPerMinute: 1_000, claims: z.object({ role: z.enum(['user', 'admin']) }) });
    const events: AuthKitEvent[] = [];
    kit.onEvent((event) => events.push(event));
    const { privateKey } = await generateKeyPair('ES384');
    const claims = { sub: `${marker}-sub`, email: `${marker}@example.com`, role: `${marker}-role` };
    const forged = await issuer.mintToken({ ...claims, role: 'admin' }, { key: privateKey });
    const mismatched = await issuer.mintToken(claims);
    const expiring = await issuer.mintToken({ ...claims, role: 'user' }, { now, expiresIn: 10 });
    const errors: unknown[] = [];
    for (const token of [forged, forged, mismatched]) errors.push((await authOf(kit, token)).error);
    await sights(kit, expiring, 3);
    now += 120_000;
    errors.push((await authOf(kit, expiring)).error);
    expect(errors.map((e) => (e as AuthError).reason)).toEqual(['bad_signature', 'bad_signature', 'claims_schema_mismatch', 'expired']);
    const told = [
      ...errors.flatMap((e) => [inspect(e, { depth: Infinity, showHidden: true }), JSON.stringify(e), String((e as Error).stack), String((e as Error).cause)]),
      JSON.stringify(reports),
      JSON.stringify(events),
    ].join('\n');
    expect(reports.length).toBeGreaterThanOrEqual(4);
    for (const secret of [marker, ...[forged, mismatched, expiring].flatMap(segments)]) expect(told).not.toContain(secret);
  });

  it('a revocation store that throws synchronously on a hot hit gives a 503 context in the same tick, never a throw', async () => {
    let broken = false;
    const revocation: RevocationStore = {
      getRevokedAt: () => {
        if (broken) throw new Error('redis: connection reset');
        return undefined;
      },
      revoke: async () => undefined,
    };
    const kit = makeKit({ revocation });
    const token = await issuer.mintToken();
    await sights(kit, token);
    broken = true;
    const seen: AuthContext[] = [];
    const failures: unknown[] = [];
    whenAuthenticated(kit, bearer(token), (auth) => seen.push(auth), (error) => failures.push(error));
    expect(failures).toEqual([]);
    expect(seen.map((auth) => [auth.status, auth.error?.reason, auth.error?.status])).toEqual([['anonymous', 'revocation_unavailable', 503]]);
  });

  it('throwing onRefused and onEvent listeners on a same-tick refusal (remembered forgery) never escape kit.authenticate', async () => {
    const kit = makeKit({
      onRefused: () => {
        throw new Error('logger down');
      },
    });
    kit.onEvent(() => {
      throw new Error('metrics down');
    });
    const { privateKey } = await generateKeyPair('ES384');
    const forged = await issuer.mintToken({}, { key: privateKey });
    expect(await codeOf(kit, forged)).toBe('bad_signature');
    let answer: AuthContext | Promise<AuthContext> | undefined;
    expect(() => (answer = kit.authenticate(bearer(forged)))).not.toThrow();
    expect(answer).not.toBeInstanceOf(Promise);
    expect((answer as AuthContext).error?.reason).toBe('bad_signature');
  });
});
