import type { ServerResponse } from 'node:http';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import { JWKSFetchError, type JWKSFetchFailure } from '../../src/core/jwks-fetch.js';
import { createJWKSStore, type JWKSStore } from '../../src/core/jwks.js';
import { json, makeKey, manualClock, startJWKSServer, type JWKSTestServer, type Responder, type TestKey } from '../helpers/jwks-test-server.js';

const TTL = 300_000;
const COOLDOWN = 30_000;
const STALE = 3_600_000;
// Long enough for a healthy local fetch on a loaded 2-core CI (200 ms was missed there);
// only the two hanging responders wait for it.
const TIMEOUT = 500;
const MAX_BYTES = 512 * 1024;

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('ES384');
});

const open: { server: JWKSTestServer; store: JWKSStore }[] = [];
afterEach(async () => {
  for (const { server, store } of open.splice(0)) {
    store.close();
    await server.close();
  }
});

// Writes a byte every 50 ms forever: each chunk arrives well within any per-read
// timeout, so only a deadline covering the whole body stops it.
const drip: Responder = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"keys":[');
  const timer = setInterval(() => res.write(' '), 50);
  res.on('close', () => clearInterval(timer));
};

const oversize = (withLength: boolean): Responder => (_req, res: ServerResponse) => {
  const body = JSON.stringify({ keys: [key.jwk] }) + ' '.repeat(MAX_BYTES);
  res.writeHead(200, { 'content-type': 'application/json', ...(withLength ? { 'content-length': String(Buffer.byteLength(body)) } : {}) });
  // Chunked: no content-length to trust, so the limit must be counted while reading.
  for (let i = 0; i < body.length; i += 16_384) res.write(body.slice(i, i + 16_384));
  res.end();
};

const faults: [string, () => Responder, JWKSFetchFailure][] = [
  ['HTTP 500', () => (_req, res) => res.writeHead(500).end('oops'), 'status'],
  ['HTTP 304 (not 200)', () => (_req, res) => res.writeHead(304).end(), 'status'],
  ['invalid JSON', () => json('{"keys": [', { 'content-type': 'application/json' }), 'invalid_json'],
  ['an object without keys', () => json({}), 'invalid_shape'],
  ['a JSON array', () => json([key.jwk]), 'invalid_shape'],
  ['an empty key set', () => json({ keys: [] }), 'invalid_shape'],
  ['a set with only symmetric keys', () => json({ keys: [{ kty: 'oct', kid: 'h', k: 'AAAA' }] }), 'invalid_shape'],
  ['an HTML page', () => json('<html>login</html>', { 'content-type': 'text/html' }), 'content_type'],
  ['a hang past the timeout', () => () => undefined, 'timeout'],
  ['a slow-drip body', () => drip, 'timeout'],
  ['10,000 keys', () => json({ keys: Array.from({ length: 10_000 }, (_, i) => ({ kty: 'EC', kid: `k${i}` })) }), 'too_many_keys'],
  ['an oversize chunked body', () => oversize(false), 'too_large'],
  ['an oversize body with content-length', () => oversize(true), 'too_large'],
  ['a dead server', () => (req) => req.socket.destroy(), 'network'],
];

async function setup(initial: Responder) {
  const clock = manualClock();
  const server = await startJWKSServer(initial);
  const store = createJWKSStore({ url: server.url, fetch, now: clock.now, cacheTtl: TTL, cooldown: COOLDOWN, timeout: TIMEOUT, staleTtl: STALE, algorithms: ['ES384'] });
  open.push({ server, store });
  return { clock, server, store, get: () => store.getKey({ alg: 'ES384', kid: key.kid }) };
}

// A refresh of a stale set runs in the background; the test waits for it to end (a real event).
const settled = (store: JWKSStore) => vi.waitFor(() => expect(store.state.reloading).toBe(false), { timeout: 5_000, interval: 5 });

async function unavailable(promise: Promise<unknown>, reason?: JWKSFetchFailure): Promise<AuthError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.code).toBe('jwks_unavailable');
  expect(authError.status).toBe(503);
  expect(authError.status).not.toBe(401);
  expect(authError.wwwAuthenticate).toBeUndefined();
  expect(authError.message).not.toContain('127.0.0.1');
  if (reason !== undefined) {
    expect(authError.cause).toBeInstanceOf(JWKSFetchError);
    expect((authError.cause as JWKSFetchError).reason).toBe(reason);
  }
  return authError;
}

describe.each(faults)('IdP fault: %s', (_name, fault, reason) => {
  it('without a cached set: jwks_unavailable (503), one attempt per cooldown, recovery afterwards', async () => {
    const { store, server, clock, get } = await setup(fault());
    // Retry-After tells the client when the next attempt is allowed.
    expect((await unavailable(get(), reason)).retryAfter).toBe(COOLDOWN / 1000);
    expect(store.fetchCount).toBe(1);
    expect(store.state).toMatchObject({ status: 'cooling_down', keySet: 'none', usable: false, ageMs: undefined });
    clock.advance(COOLDOWN - 1);
    expect((await unavailable(get(), reason)).retryAfter).toBe(1);
    expect(store.fetchCount).toBe(1);

    server.respond(json({ keys: [key.jwk] }));
    clock.advance(1);
    await expect(get()).resolves.toBeDefined();
    expect(store.fetchCount).toBe(2);
    expect(store.hasKid(key.kid)).toBe(true);
  });

  it('with a cached set: serves it at once while one refresh runs, rate-limits retries, 503 after staleTtl, recovers', async () => {
    const { store, server, clock, get } = await setup(json({ keys: [key.jwk] }));
    const cached = await get();
    server.respond(fault());

    clock.advance(TTL);
    expect(await get()).toBe(cached);
    expect(store.fetchCount).toBe(2);
    await settled(store);
    expect(store.state).toMatchObject({ status: 'cooling_down', keySet: 'stale', usable: true, retryInMs: COOLDOWN });
    expect(store.state.lastError?.reason).toBe(reason);
    clock.advance(COOLDOWN - 1);
    expect(await get()).toBe(cached);
    expect(store.fetchCount).toBe(2);
    clock.advance(1);
    expect(await get()).toBe(cached);
    expect(store.fetchCount).toBe(3);
    await settled(store);

    clock.advance(STALE - TTL - COOLDOWN);
    expect(await get()).toBe(cached);
    await settled(store);
    clock.advance(1);
    const error = await unavailable(get());
    expect(error.retryAfter).toBe(COOLDOWN / 1000);
    expect(store.state).toMatchObject({ keySet: 'expired', usable: false });
    expect(store.hasKid(key.kid)).toBe(true);

    server.respond(json({ keys: [key.jwk] }));
    clock.advance(COOLDOWN);
    expect(await get()).toBe(cached);
    expect(store.state).toMatchObject({ status: 'fresh', lastError: undefined, ageMs: 0 });
    const count = store.fetchCount;
    clock.advance(TTL - 1);
    await get();
    expect(store.fetchCount).toBe(count);
  });
});

describe('IdP faults: other cases', () => {
  it('shares one failing fetch among 1,000 cold callers, all jwks_unavailable', async () => {
    const { store, get } = await setup((_req, res) => res.writeHead(500).end());
    const results = await Promise.allSettled(Array.from({ length: 1_000 }, get));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof AuthError && r.reason.code === 'jwks_unavailable')).toBe(true);
    expect(store.fetchCount).toBe(1);
  });

  it('answers an unknown kid with jwks_unavailable (503) while the IdP is down and a set is cached', async () => {
    const { store, server, clock, get } = await setup(json({ keys: [key.jwk] }));
    await get();
    server.respond((_req, res) => res.writeHead(502).end());
    clock.advance(COOLDOWN);
    const error: unknown = await store.getKey({ alg: 'ES384', kid: 'rotated-away' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    // It may be the key Logto just rotated to: an outage, never a 401.
    expect((error as AuthError).code).toBe('jwks_unavailable');
    expect((error as AuthError).status).toBe(503);
    expect(store.fetchCount).toBe(2);
    expect(await get()).toBeDefined();
  });

  it('accepts application/json and a missing content type', async () => {
    for (const headers of [{ 'content-type': 'application/json' }, {}]) {
      const { get } = await setup((_req, res) => {
        res.writeHead(200, headers);
        res.end(JSON.stringify({ keys: [key.jwk] }));
      });
      await expect(get()).resolves.toBeDefined();
    }
  });

  it('accepts a set of exactly maxKeys entries', async () => {
    const entries = [key.jwk, ...Array.from({ length: 99 }, (_, i) => ({ kty: 'EC', kid: `k${i}` }))];
    const { get } = await setup(json({ keys: entries }));
    await expect(get()).resolves.toBeDefined();
  });
});
