import { readFileSync } from 'node:fs';
import { CompactSign, compactVerify, exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import { keyFitsAlgorithm } from '../../src/core/jwks-keys.js';
import { createJWKSStore, type JWKSStore, type JWKSStoreOptions } from '../../src/core/jwks.js';
import { json, makeKey, manualClock, startJWKSServer, type JWKSTestServer, type TestKey } from '../helpers/jwks-test-server.js';

const TTL = 300_000;
const COOLDOWN = 30_000;
const ALGORITHMS = ['ES384', 'ES256', 'ES512', 'RS256', 'PS256'];

let ec: TestKey;
let ec2: TestKey;
let p256: TestKey;
let rsa: TestKey;
beforeAll(async () => {
  [ec, ec2, p256, rsa] = await Promise.all([makeKey('ES384'), makeKey('ES384'), makeKey('ES256'), makeKey('RS256')]);
});

const open: { server: JWKSTestServer; store: JWKSStore }[] = [];
afterEach(async () => {
  for (const { server, store } of open.splice(0)) {
    store.close();
    await server.close();
  }
});

async function setup(keys: unknown, extra: Partial<JWKSStoreOptions> = {}) {
  const clock = manualClock();
  const server = await startJWKSServer(json({ keys }));
  const store = createJWKSStore({
    url: server.url,
    fetch,
    now: clock.now,
    cacheTtl: TTL,
    cooldown: COOLDOWN,
    // Generous: a refetch that times out answers jwks_unavailable, which the unknown-kid tests do not
    // expect, and on a loaded machine it waits behind 10,000 queued lookups. Timeout tests set their own.
    timeout: 10_000,
    staleTtl: 3_600_000,
    algorithms: ALGORITHMS,
    ...extra,
  });
  open.push({ server, store });
  return { clock, server, store };
}

// A refresh of a stale set runs in the background; the test waits for it to end (a real event).
const settled = (store: JWKSStore) => vi.waitFor(() => expect(store.state.reloading).toBe(false), { timeout: 5_000, interval: 5 });

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

// Proves the returned key is the published one, not merely some key.
async function verifies(key: CryptoKey, signer: Pick<TestKey, 'privateKey' | 'kid'>, alg: string): Promise<boolean> {
  const jws = await new CompactSign(new TextEncoder().encode('payload')).setProtectedHeader({ alg, kid: signer.kid }).sign(signer.privateKey);
  return compactVerify(jws, key).then(
    () => true,
    () => false,
  );
}

describe('createJWKSStore: caching', () => {
  it('fetches on first use and returns the key that verifies the signer', async () => {
    const { store, server } = await setup([ec.jwk]);
    expect(store.fetchCount).toBe(0);
    const key = await store.getKey({ alg: 'ES384', kid: ec.kid });
    expect(await verifies(key, ec, 'ES384')).toBe(true);
    expect(await verifies(key, ec2, 'ES384')).toBe(false);
    expect(store.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('serves from cache within cacheTtl and refetches once it passes', async () => {
    const { store, clock } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    clock.advance(TTL - 1);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    expect(store.fetchCount).toBe(1);
    clock.advance(1);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    expect(store.fetchCount).toBe(2);
  });

  it('shares one fetch among 1,000 concurrent cold callers', async () => {
    const { store, server } = await setup([ec.jwk]);
    const keys = await Promise.all(Array.from({ length: 1_000 }, () => store.getKey({ alg: 'ES384', kid: ec.kid })));
    expect(store.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
    expect(new Set(keys).size).toBe(1);
  });

  it('refuses an algorithm outside the allow-list without fetching', async () => {
    const { store } = await setup([ec.jwk], { algorithms: ['ES256'] });
    const error = await rejection(store.getKey({ alg: 'ES384', kid: ec.kid }));
    expect(error.code).toBe('invalid_token');
    expect(store.fetchCount).toBe(0);
  });
});

describe('createJWKSStore: unknown kid', () => {
  const randomKids = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());

  it('refetches for unknown kids from a bucket of three per cooldown, then answers 503 with Retry-After', async () => {
    const { store, clock } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    for (const kid of ['unknown-kid-value', 'second', 'third']) {
      const error = await rejection(store.getKey({ alg: 'ES384', kid }));
      expect([error.code, error.status]).toEqual(['invalid_token', 401]);
      expect(error.message).not.toContain(kid);
    }
    // A key Logto starts signing with just after our periodic refresh is found at once.
    expect(store.fetchCount).toBe(4);
    expect(store.state.unknownKidRefetchesLeft).toBe(0);
    const spent = await rejection(store.getKey({ alg: 'ES384', kid: 'fourth' }));
    // Not looked up: it may be Logto's new key, so an outage the client retries, never a 401.
    expect([spent.code, spent.status, spent.retryAfter, spent.wwwAuthenticate]).toEqual(['jwks_unavailable', 503, COOLDOWN / 3 / 1000, undefined]);
    expect(store.fetchCount).toBe(4);
    clock.advance(COOLDOWN / 3);
    expect((await rejection(store.getKey({ alg: 'ES384', kid: 'fourth' }))).code).toBe('invalid_token');
    expect(store.fetchCount).toBe(5);
  });

  it('lets 10,000 random kids at a time cause at most three fetches per cooldown, each answer invalid_token or jwks_unavailable', async () => {
    const { store, clock } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    for (let round = 1; round <= 2; round += 1) {
      clock.advance(COOLDOWN);
      const before = store.fetchCount;
      const first = await Promise.allSettled(randomKids(10_000).map((kid) => store.getKey({ alg: 'ES384', kid })));
      // Concurrent callers share one refetch, and were all looked up: 401.
      expect(first.every((r) => r.status === 'rejected' && r.reason instanceof AuthError && r.reason.code === 'invalid_token')).toBe(true);
      expect(store.fetchCount).toBe(before + 1);
      for (let batch = 0; batch < 5; batch += 1) {
        const results = await Promise.allSettled(randomKids(10_000).map((kid) => store.getKey({ alg: 'ES384', kid })));
        const codes = new Set(results.map((r) => (r.status === 'rejected' && r.reason instanceof AuthError ? r.reason.code : 'other')));
        expect([...codes].every((code) => code === 'invalid_token' || code === 'jwks_unavailable')).toBe(true);
      }
      expect(store.fetchCount).toBe(before + 3);
    }
  });

  it('does not refetch for a kid looked up in vain within the cooldown, and does after it', async () => {
    const { store, clock } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    await rejection(store.getKey({ alg: 'ES384', kid: 'ghost' }));
    expect(store.fetchCount).toBe(2);
    clock.advance(COOLDOWN - 1);
    for (let i = 0; i < 10; i++) expect((await rejection(store.getKey({ alg: 'ES384', kid: 'ghost' }))).code).toBe('invalid_token');
    expect(store.fetchCount).toBe(2);
    expect(store.state.unknownKidRefetchesLeft).toBe(3);
    clock.advance(1);
    await rejection(store.getKey({ alg: 'ES384', kid: 'ghost' }));
    expect(store.fetchCount).toBe(3);
  });

  it('finds a rotated-in key after one refetch and reports the change', async () => {
    const { store, server, clock } = await setup([ec.jwk]);
    const changes: string[][] = [];
    store.onKeysChanged((kids) => changes.push([...kids]));
    const oldKey = await store.getKey({ alg: 'ES384', kid: ec.kid });
    server.respond(json({ keys: [ec2.jwk, ec.jwk] }));
    clock.advance(COOLDOWN);
    const key = await store.getKey({ alg: 'ES384', kid: ec2.kid });
    expect(await verifies(key, ec2, 'ES384')).toBe(true);
    expect(store.fetchCount).toBe(2);
    expect(store.hasKid(ec2.kid)).toBe(true);
    expect(changes).toEqual([[ec.kid], [ec2.kid, ec.kid]]);
    expect(await store.getKey({ alg: 'ES384', kid: ec.kid })).toBe(oldKey);

    server.respond(json({ keys: [ec2.jwk] }));
    clock.advance(TTL);
    await store.getKey({ alg: 'ES384', kid: ec2.kid });
    await settled(store);
    expect(store.hasKid(ec.kid)).toBe(false);
    expect(changes.at(-1)).toEqual([ec2.kid]);
    expect((await rejection(store.getKey({ alg: 'ES384', kid: ec.kid }))).code).toBe('invalid_token');
  });

  it('lets a caller with an unknown kid share a refetch already in flight', async () => {
    const { store, server, clock } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    server.respond(json({ keys: [ec.jwk, ec2.jwk] }));
    clock.advance(COOLDOWN);
    const [garbage, rotated] = await Promise.allSettled([store.getKey({ alg: 'ES384', kid: 'garbage' }), store.getKey({ alg: 'ES384', kid: ec2.kid })]);
    expect(garbage.status).toBe('rejected');
    expect(rotated.status).toBe('fulfilled');
    expect(store.fetchCount).toBe(2);
  });

  it('forgets remembered unknown kids when the set changes', async () => {
    const { store, server } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    await rejection(store.getKey({ alg: 'ES384', kid: 'ghost' }));
    server.respond(json({ keys: [ec.jwk, ec2.jwk] }));
    await store.getKey({ alg: 'ES384', kid: ec2.kid });
    expect(store.fetchCount).toBe(3);
    await rejection(store.getKey({ alg: 'ES384', kid: 'ghost' }));
    expect(store.fetchCount).toBe(4);
  });
});

describe('createJWKSStore: key selection', () => {
  it('uses an RSA JWK without alg for RS256 and PS256', async () => {
    expect(rsa.jwk.alg).toBeUndefined();
    const { store } = await setup([rsa.jwk]);
    expect(await verifies(await store.getKey({ alg: 'RS256', kid: rsa.kid }), rsa, 'RS256')).toBe(true);
    // WebCrypto binds a key to one algorithm: the same RSA private key, imported for PSS, signs.
    const psSigner = { kid: rsa.kid, privateKey: (await importJWK(await exportJWK(rsa.privateKey), 'PS256')) as CryptoKey };
    expect(await verifies(await store.getKey({ alg: 'PS256', kid: rsa.kid }), psSigner, 'PS256')).toBe(true);
    expect(store.fetchCount).toBe(1);
  });

  it.each([
    ['an EC P-384 key without alg, for ES256', () => ({ ...ec.jwk, alg: undefined }), 'ES256'],
    ['a P-256 key for ES384', () => ({ ...p256.jwk, alg: undefined }), 'ES384'],
    ['a JWK whose alg differs from the header', () => ec.jwk, 'ES512'],
    ['an RSA key for ES384', () => rsa.jwk, 'ES384'],
    ['an EC key for RS256', () => ec.jwk, 'RS256'],
    ['an RSA JWK marked RS256, for PS256', () => ({ ...rsa.jwk, alg: 'RS256' }), 'PS256'],
  ])('refuses %s as invalid_token', async (_name, jwk: () => JWK & { kid?: string }, alg) => {
    const published = jwk();
    const { store } = await setup([published]);
    const error = await rejection(store.getKey({ alg, kid: published.kid ?? '' }));
    expect(error.code).toBe('invalid_token');
  });

  it.each([
    ['a symmetric oct key', { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' }],
    ['an encryption key', { kty: 'EC', kid: 'enc', use: 'enc', crv: 'P-384', x: '', y: '' }],
    ['a private key', { kty: 'EC', kid: 'priv', crv: 'P-384', x: '', y: '', d: '' }],
  ])('ignores %s in the set', async (_name, entry) => {
    const { store } = await setup([entry, ec.jwk]);
    expect(store.hasKid(entry.kid)).toBe(false);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    expect(store.hasKid(entry.kid)).toBe(false);
    expect((await rejection(store.getKey({ alg: 'ES384', kid: entry.kid }))).code).toBe('invalid_token');
  });

  it('takes the first of two entries with the same kid', async () => {
    const { store } = await setup([{ ...ec.jwk }, { ...ec2.jwk, kid: ec.kid }]);
    const key = await store.getKey({ alg: 'ES384', kid: ec.kid });
    expect(await verifies(key, ec, 'ES384')).toBe(true);
  });
});

describe('keyFitsAlgorithm', () => {
  const rsaJwk = { kty: 'RSA', kid: 'r', n: 'AQAB', e: 'AQAB' };
  it.each([
    [rsaJwk, 'RS256', true],
    [rsaJwk, 'PS512', true],
    [{ ...rsaJwk, alg: 'PS256' }, 'RS256', false],
    [rsaJwk, 'ES256', false],
    [{ kty: 'EC', kid: 'e', crv: 'P-256' }, 'ES256', true],
    [{ kty: 'EC', kid: 'e', crv: 'P-521' }, 'ES512', true],
    [{ kty: 'EC', kid: 'e', crv: 'P-521' }, 'ES384', false],
    [{ kty: 'EC', kid: 'e', crv: 'P-384' }, 'PS256', false],
    [{ kty: 'OKP', kid: 'o', crv: 'Ed25519' }, 'EdDSA', true],
    [{ kty: 'OKP', kid: 'o', crv: 'X25519' }, 'EdDSA', false],
    [{ kty: 'EC', kid: 'e', crv: 'P-256' }, 'HS256', false],
  ])('%o for %s → %s', (jwk, alg, expected) => {
    expect(keyFitsAlgorithm(jwk, alg)).toBe(expected);
  });
});

describe('createJWKSStore: real Logto key sets', () => {
  const fixtures = new URL('../fixtures/real-logto/', import.meta.url);
  const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
  const headers = read('jwks-headers.json') as { allHeaders: Record<string, string> };
  const tokens = read('tokens.json') as { name: string; token: string; header: { kid: string } }[];
  const token = (name: string) => tokens.find((t) => t.name === name) ?? expect.unreachable(name);

  it('serves keys from Logto headers (jwk-set+json, no cache-control) and verifies real tokens across rotation', async () => {
    const { store, server, clock } = await setup([]);
    const { 'content-length': _length, connection: _connection, ...logtoHeaders } = headers.allHeaders;
    expect(logtoHeaders['cache-control']).toBeUndefined();
    server.respond(json(read('jwks.json'), logtoHeaders));
    const before = token('m2m-read-write');
    await expect(compactVerify(before.token, await store.getKey({ alg: 'ES384', kid: before.header.kid }))).resolves.toBeTruthy();

    server.respond(json(read('jwks-rotated.json'), logtoHeaders));
    clock.advance(COOLDOWN);
    const after = token('m2m-after-rotation-ec');
    await expect(compactVerify(after.token, await store.getKey({ alg: 'ES384', kid: after.header.kid }))).resolves.toBeTruthy();
    await expect(compactVerify(before.token, await store.getKey({ alg: 'ES384', kid: before.header.kid }))).resolves.toBeTruthy();
    expect(store.fetchCount).toBe(2);
  });
});

describe('createJWKSStore: listeners and close', () => {
  it('does not notify when a refetch returns the same kids, and stops after unsubscribe', async () => {
    const { store, server, clock } = await setup([ec.jwk]);
    let calls = 0;
    store.onKeysChanged(() => {
      throw new Error('a faulty subscriber');
    });
    const off = store.onKeysChanged(() => {
      calls += 1;
    });
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    clock.advance(TTL);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    expect([store.fetchCount, calls]).toEqual([2, 1]);
    off();
    server.respond(json({ keys: [ec2.jwk] }));
    clock.advance(TTL);
    await store.getKey({ alg: 'ES384', kid: ec2.kid });
    expect(calls).toBe(1);
  });

  it('aborts a fetch in flight on close, and refuses later calls with jwks_unavailable', async () => {
    const { store, server } = await setup([ec.jwk]);
    server.respond(() => undefined);
    const pending = store.getKey({ alg: 'ES384', kid: ec.kid });
    await new Promise((resolve) => setTimeout(resolve, 50));
    store.close();
    const error = await rejection(pending);
    expect([error.code, error.status]).toEqual(['jwks_unavailable', 503]);
    expect((await rejection(store.getKey({ alg: 'ES384', kid: ec.kid }))).code).toBe('jwks_unavailable');
  });
});

describe('createJWKSStore: stale-while-revalidate', () => {
  it('serves a stale set at once while one refresh hangs, and waits for it only with an unknown kid', async () => {
    const { store, server, clock } = await setup([ec.jwk], { timeout: 120_000 });
    const cached = await store.getKey({ alg: 'ES384', kid: ec.kid });
    const held: { end(body: string): void }[] = [];
    server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      held.push(res);
    });
    clock.advance(TTL);
    const keys = await Promise.all(Array.from({ length: 100 }, () => store.getKey({ alg: 'ES384', kid: ec.kid })));
    expect(keys.every((key) => key === cached)).toBe(true);
    expect(store.state).toMatchObject({ status: 'reloading', keySet: 'stale', reloading: true, ageMs: TTL });
    await vi.waitFor(() => expect(held).toHaveLength(1), { timeout: 5_000, interval: 5 });
    expect(store.fetchCount).toBe(2);
    // A new kid may be in the set being fetched: it shares that fetch, without spending the budget.
    const rotated = store.getKey({ alg: 'ES384', kid: ec2.kid });
    held[0]?.end(JSON.stringify({ keys: [ec2.jwk, ec.jwk] }));
    expect(await verifies(await rotated, ec2, 'ES384')).toBe(true);
    expect(store.state).toMatchObject({ status: 'fresh', unknownKidRefetchesLeft: 3, fetchCount: 2 });
  });

  it('refreshIfDue starts one background refresh once the set is past cacheTtl, and none before', async () => {
    const { store, server, clock } = await setup([ec.jwk]);
    store.refreshIfDue();
    expect(store.fetchCount).toBe(0);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    clock.advance(TTL - 1);
    store.refreshIfDue();
    expect(store.fetchCount).toBe(1);
    server.respond(json({ keys: [ec2.jwk] }));
    clock.advance(1);
    store.refreshIfDue();
    store.refreshIfDue();
    expect(store.fetchCount).toBe(2);
    await settled(store);
    expect([store.hasKid(ec.kid), store.hasKid(ec2.kid)]).toEqual([false, true]);
  });
});

describe('createJWKSStore: key material', () => {
  it('new material under the same kid is re-imported and reported; the old key no longer comes back', async () => {
    const { store, server, clock } = await setup([ec.jwk]);
    const changes: ReadonlyMap<string, string>[] = [];
    store.onKeysChanged((_kids, keys) => changes.push(keys));
    const first = await store.resolveKey({ alg: 'ES384', kid: ec.kid });
    server.respond(json({ keys: [{ ...ec2.jwk, kid: ec.kid }] }));
    clock.advance(TTL);
    store.refreshIfDue();
    await settled(store);
    const second = await store.resolveKey({ alg: 'ES384', kid: ec.kid });
    expect(second.material).not.toBe(first.material);
    expect(await verifies(second.key, { kid: ec.kid, privateKey: ec2.privateKey }, 'ES384')).toBe(true);
    expect(await verifies(second.key, ec, 'ES384')).toBe(false);
    expect(changes.map((keys) => keys.get(ec.kid))).toEqual([first.material, second.material]);
  });

  it('metadata other than the key (use, key_ops, x5t) is not new material', async () => {
    const { store, server, clock } = await setup([ec.jwk]);
    let changes = 0;
    store.onKeysChanged(() => (changes += 1));
    const first = await store.resolveKey({ alg: 'ES384', kid: ec.kid });
    server.respond(json({ keys: [{ ...ec.jwk, key_ops: ['verify'], x5t: 'abc' }] }));
    clock.advance(TTL);
    store.refreshIfDue();
    await settled(store);
    const second = await store.resolveKey({ alg: 'ES384', kid: ec.kid });
    expect([second.material, second.key, changes]).toEqual([first.material, first.key, 1]);
  });
});

describe('createJWKSStore: forced refetch (logout receiver)', () => {
  it('refetches for an unknown kid when the shared budget is spent, once per kid per cooldown, from a bounded budget', async () => {
    const { store, server } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    for (const kid of ['a', 'b', 'c']) await rejection(store.getKey({ alg: 'ES384', kid }));
    expect((await rejection(store.getKey({ alg: 'ES384', kid: ec2.kid }))).code).toBe('jwks_unavailable');
    server.respond(json({ keys: [ec.jwk, ec2.jwk] }));
    const forced = await store.getKey({ alg: 'ES384', kid: ec2.kid }, { forceRefetch: true });
    expect(await verifies(forced, ec2, 'ES384')).toBe(true);
    expect(store.fetchCount).toBe(5);
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) codes.push((await rejection(store.getKey({ alg: 'ES384', kid: `forged-${i}` }, { forceRefetch: true }))).code);
    // Ten forced refetches per cooldown in all, ec2's included.
    expect(store.fetchCount).toBe(5 + 9);
    expect(codes.slice(0, 9).every((code) => code === 'invalid_token')).toBe(true);
    expect(codes.slice(9).every((code) => code === 'jwks_unavailable')).toBe(true);
    expect((await rejection(store.getKey({ alg: 'ES384', kid: 'forged-0' }, { forceRefetch: true }))).code).toBe('invalid_token');
    expect(store.fetchCount).toBe(14);
  });

  it('refuses a bad unknownKidRefetches option with a TypeError naming it', () => {
    for (const unknownKidRefetches of [0, 1.5, -1]) {
      expect(() =>
        createJWKSStore({ url: 'http://127.0.0.1:1/jwks', fetch, now: Date.now, cacheTtl: TTL, cooldown: COOLDOWN, timeout: 1, staleTtl: TTL, algorithms: ALGORITHMS, unknownKidRefetches }),
      ).toThrow(/unknownKidRefetches/);
    }
  });
});

describe('createJWKSStore: resolveKeyNow, the same answers in the same tick', () => {
  it('answers an imported key in this tick, the same key resolveKey resolves', async () => {
    const { store } = await setup([ec.jwk]);
    const first = store.resolveKeyNow({ alg: 'ES384', kid: ec.kid });
    // Nothing fetched or imported yet: a promise.
    expect(first).toBeInstanceOf(Promise);
    const { key, material } = await first;
    const now = store.resolveKeyNow({ alg: 'ES384', kid: ec.kid });
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toEqual({ key, material });
    expect((await store.resolveKey({ alg: 'ES384', kid: ec.kid })).key).toBe(key);
    expect(await verifies(key, ec, 'ES384')).toBe(true);
  });

  it('throws in this tick what it decides without a fetch, and the promise path rejects with the same', async () => {
    const { store } = await setup([ec.jwk]);
    await store.getKey({ alg: 'ES384', kid: ec.kid });
    // A kid looked up in vain: the lookup needs the fetch, so a promise; the next time, a throw.
    expect((await rejection(Promise.resolve().then(() => store.resolveKeyNow({ alg: 'ES384', kid: 'gone' })))).reason).toBe('unknown_kid');
    let thrown: unknown;
    try {
      store.resolveKeyNow({ alg: 'ES384', kid: 'gone' });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as AuthError).reason).toBe('unknown_kid');
    expect((await rejection(store.resolveKey({ alg: 'ES384', kid: 'gone' }))).reason).toBe('unknown_kid');
    expect(() => store.resolveKeyNow({ alg: 'HS256', kid: ec.kid })).toThrow(expect.objectContaining({ reason: 'algorithm_not_allowed' }));
    for (const kid of ['a', 'b']) await rejection(store.resolveKey({ alg: 'ES384', kid }));
    const fetches = store.fetchCount;
    expect(() => store.resolveKeyNow({ alg: 'ES384', kid: 'c' })).toThrow(expect.objectContaining({ reason: 'jwks_refetch_cooldown', status: 503 }));
    expect(store.fetchCount).toBe(fetches);
    store.close();
    expect(() => store.resolveKeyNow({ alg: 'ES384', kid: ec.kid })).toThrow(expect.objectContaining({ reason: 'key_store_closed' }));
  });
});
