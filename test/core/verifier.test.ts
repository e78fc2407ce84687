import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { AuthError } from '../../src/core/errors.js';
import type { AuthKitOptions } from '../../src/core/options.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

// What a cache hit may hand out, and to whom; what a remembered forgery costs. Counts only, never times.
let issuer: TestIssuer;
const kits: AuthKit[] = [];
const makeKit = (extra: Partial<AuthKitOptions> = {}, on: TestIssuer = issuer): AuthKit => {
  const kit = createAuthKit({ logtoUrl: on.logtoUrl, audience: on.audience, ...extra });
  kits.push(kit);
  return kit;
};
const refusalOf = async (promise: Promise<unknown>): Promise<AuthError> => {
  const error = await promise.then(() => expect.unreachable('was accepted'), (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
};
const segments = (token: string): [string, string, string] => token.split('.') as [string, string, string];
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (segment: string): Record<string, unknown> => JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>;
const hits = (kit: AuthKit): number => kit.stats().verifications.cacheHits;

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await issuer.close();
});

describe('token cache: an attacker holding a cached token', () => {
  it('gets no hit for its signature under another payload or header', async () => {
    const kit = makeKit();
    const token = await issuer.mintToken({ sub: 'user-1', scope: 'read:posts' });
    await kit.verifyToken(token);
    const [header, payload, signature] = segments(token);
    const promoted = `${header}.${b64({ ...decode(payload), sub: 'admin', scope: 'read:posts admin' })}.${signature}`;
    const reheadered = `${b64({ ...decode(header), typ: 'application/at+jwt' })}.${payload}.${signature}`;
    for (const forged of [promoted, reheadered]) expect((await refusalOf(kit.verifyToken(forged))).reason).toBe('bad_signature');
    expect(hits(kit)).toBe(0);
    expect((await kit.verifyToken(token)).userId).toBe('user-1');
    expect(hits(kit)).toBe(1);
  });

  it('gets no hit for a byte-different token of the same length', async () => {
    const kit = makeKit();
    const token = await issuer.mintToken({ sub: 'user-2' });
    await kit.verifyToken(token);
    const [header, payload, signature] = segments(token);
    // One character of each segment changed, the length kept: every variant is a different token.
    const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    const variants = [`${flip(header, 3)}.${payload}.${signature}`, `${header}.${flip(payload, 10)}.${signature}`, `${header}.${payload}.${flip(signature, 5)}`];
    for (const variant of variants) {
      expect(variant).toHaveLength(token.length);
      await refusalOf(kit.verifyToken(variant));
    }
    expect(hits(kit)).toBe(0);
  });

  it('each hit carries the presented token; entries are keyed by a 32-character digest', async () => {
    const kit = makeKit();
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => issuer.mintToken({ sub: `user-${i}`, scope: 'read:posts write:posts' })));
    for (const token of tokens) await kit.verifyToken(token);
    for (const token of tokens) expect((await kit.verifyToken(token)).token).toBe(token);
    expect(hits(kit)).toBe(20);
    const { entries, bytes } = kit.stats().tokenCache as { entries: number; bytes: number };
    expect(entries).toBe(20);
    // Per entry: 2 × 32 (the digest key, not the token) + the upper-bound estimate 2 × (token + payload) + 512.
    expect(bytes).toBe(tokens.reduce((sum, t) => sum + 2 * 32 + 2 * (t.length + Math.ceil((segments(t)[1].length * 3) / 4)) + 512, 0));
  });
});

describe('tokens in use right now (answered by their exact string)', () => {
  it('a token hit again and again still loses its place when its key leaves the set', async () => {
    const own = await createTestIssuer();
    try {
      let now = Date.now();
      const kit = makeKit({ now: () => now, jwksCacheTtl: 1_000 }, own);
      const token = await own.mintToken({}, { now });
      for (let i = 0; i < 4; i++) await kit.verifyToken(token);
      expect(hits(kit)).toBe(3);
      await own.rotateKeys();
      await own.rotateKeys(); // the first key is now gone from the set
      now += 2_000;
      await kit.verifyToken(await own.mintToken({}, { now })); // the refresh sees the new set
      expect((await refusalOf(kit.verifyToken(token))).code).toBe('invalid_token');
      expect(hits(kit)).toBe(3);
    } finally {
      await own.close();
    }
  });

  it('is refused at its exp however often it was seen, and hands every request the presented token', async () => {
    let now = Date.now();
    const kit = makeKit({ now: () => now });
    const token = await issuer.mintToken({}, { now, expiresIn: 60 });
    const contexts = [];
    for (let i = 0; i < 3; i++) contexts.push(await kit.verifyToken(token));
    expect(contexts.every((auth) => auth.token === token)).toBe(true);
    now += 66_000; // past exp and the default clock tolerance
    expect((await refusalOf(kit.verifyToken(token))).code).toBe('token_expired');
  });
});

describe('remembered forgeries', () => {
  it('answers a replayed bad-signature token from memory: no verification, no JWKS fetch, the refusal made then', async () => {
    const kit = makeKit();
    const { privateKey } = await generateKeyPair('ES384');
    const forged = await issuer.mintToken({ sub: 'admin' }, { key: privateKey });
    await kit.verifyToken(await issuer.mintToken());
    const fetches = issuer.jwksRequests;
    const first = await refusalOf(kit.verifyToken(forged));
    expect(first.reason).toBe('bad_signature');
    expect(hits(kit)).toBe(0);
    const replays = await Promise.all(Array.from({ length: 50 }, () => refusalOf(kit.verifyToken(forged))));
    expect(replays.every((error) => error.reason === 'bad_signature' && error.status === 401)).toBe(true);
    // Answered from the refusal cache, each one: counted as hits, no second verification.
    expect(hits(kit)).toBe(50);
    expect(kit.stats().verifications.refusedByReason.bad_signature).toBe(51);
    expect(issuer.jwksRequests).toBe(fetches);
    // The same token with one byte changed is judged on its own.
    await refusalOf(kit.verifyToken(`${forged.slice(0, -2)}${forged.endsWith('AA') ? 'BB' : 'AA'}`));
    expect(hits(kit)).toBe(50);
  });

  it('forgets the refusal when the key set changes: the replay is judged afresh against the new keys', async () => {
    const own = await createTestIssuer();
    try {
      let now = Date.now();
      const kit = makeKit({ now: () => now, jwksCacheTtl: 1_000 }, own);
      const { privateKey } = await generateKeyPair('ES384');
      const forged = await own.mintToken({}, { key: privateKey });
      await refusalOf(kit.verifyToken(forged));
      await refusalOf(kit.verifyToken(forged));
      expect(hits(kit)).toBe(1);
      await own.rotateKeys();
      now += 2_000;
      await kit.verifyToken(await own.mintToken({}, { now }));
      expect(kit.stats().jwks.keysChanged).toBe(2);
      const before = hits(kit);
      await refusalOf(kit.verifyToken(forged));
      expect(hits(kit)).toBe(before);
    } finally {
      await own.close();
    }
  });

  it('never remembers an unknown kid: once the key set publishes it, the same token is accepted', async () => {
    const own = await createTestIssuer();
    try {
      let now = Date.now();
      const kit = makeKit({ now: () => now, jwksCooldown: 1_000 }, own);
      const next = await generateKeyPair('ES384', { extractable: true });
      const token = await own.mintToken({ sub: 'after-rotation' }, { key: next.privateKey, kid: 'next-key', now });
      await kit.verifyToken(await own.mintToken({}, { now }));
      const refused = await refusalOf(kit.verifyToken(token));
      expect(refused.code).toBe('invalid_token');
      own.setJWKS({ keys: [...own.jwks().keys, { ...(await exportJWK(next.publicKey)), kid: 'next-key', alg: 'ES384', use: 'sig' }] });
      now += 1_001;
      expect((await kit.verifyToken(token)).userId).toBe('after-rotation');
    } finally {
      await own.close();
    }
  });

  it('never turns an outage into a 401: a remembered forgery under a key set too old to trust is a 503', async () => {
    const own = await createTestIssuer();
    try {
      let now = Date.now();
      const kit = makeKit({ now: () => now, jwksCacheTtl: 1_000, jwksStaleTtl: 10_000, jwksCooldown: 1_000 }, own);
      const { privateKey } = await generateKeyPair('ES384');
      const forged = await own.mintToken({}, { key: privateKey, expiresIn: 3_600 });
      expect((await refusalOf(kit.verifyToken(forged))).status).toBe(401);
      own.setJWKS('not json');
      now += 20_000;
      expect((await refusalOf(kit.verifyToken(forged))).status).toBe(503);
    } finally {
      await own.close();
    }
  });
});
