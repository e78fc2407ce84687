/**
 * Attacks on the verified-token cache, end to end against real servers: the
 * local issuer's JWKS on 127.0.0.1, and a real Express app for the handler
 * that mutates what the cache shares. ECDSA verifications are counted by a
 * pass-through spy on WebCrypto's `verify` (what jose calls; nothing is faked).
 */
import { generateKeyPair } from 'jose';
import { createAuthKit, type AuthKit, type AuthKitOptions } from 'logto-authkit';
import { authMiddleware } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startExpress, type ExpressServer } from '../express/harness.js';
import { json, makeKey, manualClock, startJWKSServer } from '../helpers/jwks-test-server.js';

let issuer: TestIssuer;
const kits: AuthKit[] = [];
const servers: ExpressServer[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ alg: 'ES256' });
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) await server.close();
  for (const kit of kits.splice(0)) kit.close();
});
afterAll(() => issuer.close());

const newKit = (extra: Partial<AuthKitOptions> = {}): AuthKit => {
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, ...extra });
  kits.push(kit);
  return kit;
};

/** Counts the signature verifications WebCrypto performs, still performing them. */
const countVerifications = (): { readonly count: number } => {
  const spy = vi.spyOn(crypto.subtle, 'verify');
  return {
    get count() {
      return spy.mock.calls.length;
    },
  };
};

const refusal = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => expect.unreachable('the token was accepted'), (e: unknown) => e);

describe('shared mutable state: what the cache hands out is deeply frozen', () => {
  async function mutatingApp(kit: AuthKit): Promise<ExpressServer> {
    const server = await startExpress((app) => {
      app.use(authMiddleware(kit));
      app.get('/mutate', (req, res) => {
        const payload = req.auth?.payload as { roles: string[]; profile: { tier: string } } | null | undefined;
        const before = { roles: [...(payload?.roles ?? [])], tier: payload?.profile.tier };
        const attempts = [
          () => payload?.roles.push('admin'),
          () => {
            if (payload) payload.profile.tier = 'gold';
          },
          () => {
            const claims = req.auth?.status === 'authenticated' ? (req.auth.claims as { roles?: string[] }) : undefined;
            claims?.roles?.push('root');
          },
        ];
        // ES modules are strict: writing to a frozen object throws a TypeError.
        const threw = attempts.map((attempt) => {
          try {
            attempt();
            return 'mutated';
          } catch (error) {
            return error instanceof TypeError ? 'TypeError' : 'other';
          }
        });
        res.json({ before, threw });
      });
    });
    servers.push(server);
    return server;
  }

  it.each([
    ['without a claims schema', {}],
    ['with a claims schema', { claims: z.object({ roles: z.array(z.string()), profile: z.object({ tier: z.string() }) }).passthrough() }],
  ])('a handler that pushes to auth.payload.roles does not change it for the next request with the token (%s)', async (_name, extra) => {
    const server = await mutatingApp(newKit(extra as Partial<AuthKitOptions>));
    const token = await issuer.mintToken({ sub: 'u-roles', roles: ['user'], profile: { tier: 'free' } });
    const send = async () => (await fetch(`${server.url}/mutate`, { headers: { authorization: `Bearer ${token}` } })).json();
    const first = await send();
    const second = await send();
    expect(first).toEqual({ before: { roles: ['user'], tier: 'free' }, threw: ['TypeError', 'TypeError', 'TypeError'] });
    expect(second).toEqual(first);
  });
});

describe('the cache is bounded by bytes as well as by count', () => {
  it('13 KB tokens are not kept by the ten thousand: with the default options the byte bound evicts the oldest long before maxEntries', async () => {
    const kit = newKit();
    const pad = 'x'.repeat(9_000);
    const tokens: string[] = [];
    // 2,000 × ~13 KB: well under the default 10,000 entries, well over the default byte bound.
    for (let i = 0; i < 2_000; i++) tokens.push(await issuer.mintToken({ sub: `big-${i}`, pad }));
    expect(tokens[0]?.length).toBeGreaterThan(12_000);
    for (const token of tokens) await kit.verifyToken(token);
    const verifications = countVerifications();
    await kit.verifyToken(tokens.at(-1) as string);
    expect(verifications.count).toBe(0);
    await kit.verifyToken(tokens[0] as string);
    expect(verifications.count).toBe(1);
  });
  it('maxBytes bounds how many large tokens stay cached; small tokens under it stay', async () => {
    const kit = newKit({ tokenCache: { maxEntries: 1_000, maxBytes: 1_000_000 } });
    const big = await Promise.all(Array.from({ length: 40 }, (_, i) => issuer.mintToken({ sub: `b-${i}`, pad: 'x'.repeat(9_000) })));
    for (const token of big) await kit.verifyToken(token);
    const verifications = countVerifications();
    for (const token of big) await kit.verifyToken(token);
    // Each re-verified token evicts another: every one of the 40 misses, none is kept beyond the bound.
    expect(verifications.count).toBe(40);
    const small = await Promise.all(Array.from({ length: 40 }, (_, i) => issuer.mintToken({ sub: `s-${i}` })));
    for (const token of small) await kit.verifyToken(token);
    for (const token of small) await kit.verifyToken(token);
    expect(verifications.count).toBe(80);
  });
  it('a token larger than maxBytes is verified every time and never cached', async () => {
    const kit = newKit({ tokenCache: { maxBytes: 20_000 } });
    const token = await issuer.mintToken({ sub: 'huge', pad: 'x'.repeat(9_000) });
    const verifications = countVerifications();
    for (let i = 0; i < 3; i++) await expect(kit.verifyToken(token)).resolves.toMatchObject({ userId: 'huge' });
    expect(verifications.count).toBe(3);
  });
});

describe('a replayed forgery costs a lookup, not a verification', () => {
  it('the same bad-signature token with the right iss, aud and kid is verified once and refused every time with 401 invalid_token', async () => {
    const kit = newKit();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await issuer.mintToken({ sub: 'mallory' }, { key: privateKey });
    const verifications = countVerifications();
    for (let i = 0; i < 5; i++) {
      expect(await refusal(kit.verifyToken(forged))).toMatchObject({ code: 'invalid_token', status: 401 });
      const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${forged}` } });
      expect(auth.status === 'anonymous' ? { code: auth.error.code, status: auth.error.status } : auth.status).toEqual({ code: 'invalid_token', status: 401 });
    }
    expect(verifications.count).toBe(1);
  });
  it('a genuine token sharing the forgery’s header and payload, or its signature, is still accepted', async () => {
    const kit = newKit();
    const genuine = await issuer.mintToken({ sub: 'alice' });
    const [head, body, signature] = genuine.split('.') as [string, string, string];
    const other = (await issuer.mintToken({ sub: 'alice' })).split('.')[2] as string;
    const sameSigningInput = `${head}.${body}.${other === signature ? signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) : other}`;
    const tamperedBody = `${head}.${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}.${signature}`;
    for (const forged of [sameSigningInput, tamperedBody, `${genuine.slice(0, -4)}AAAA`]) {
      for (let i = 0; i < 2; i++) expect(await refusal(kit.verifyToken(forged))).toMatchObject({ code: 'invalid_token', status: 401 });
    }
    await expect(kit.verifyToken(genuine)).resolves.toMatchObject({ status: 'authenticated', userId: 'alice' });
  });
  it('a refusal is forgotten when the key behind the kid changes, so the token is judged against the new key', async () => {
    const clock = manualClock();
    const [published, signer] = await Promise.all([makeKey('ES256'), makeKey('ES256')]);
    const server = await startJWKSServer(json({ keys: [published.jwk] }));
    try {
      const kit = newKit({ issuer: issuer.issuer, jwksUrl: server.url, now: clock.now, jwksCacheTtl: 60_000 });
      // Signed by `signer` under the published kid: a bad signature for the key set of today.
      const token = await issuer.mintToken({ sub: 'rotated', iat: Math.floor(clock.now() / 1000), exp: Math.floor(clock.now() / 1000) + 3600 }, { key: signer.privateKey, kid: published.kid });
      expect(await refusal(kit.verifyToken(token))).toMatchObject({ code: 'invalid_token', status: 401 });
      expect(await refusal(kit.verifyToken(token))).toMatchObject({ code: 'invalid_token', status: 401 });
      // The same kid now names the signer's key (material changed, kid set unchanged).
      server.respond(json({ keys: [{ ...signer.jwk, kid: published.kid }] }));
      clock.advance(60_000);
      // Past jwksCacheTtl the stale set answers at once while one refresh runs in the background.
      kit.jwks.refreshIfDue();
      await vi.waitFor(() => expect(kit.jwks.state.reloading).toBe(false), { timeout: 5_000, interval: 5 });
      await expect(kit.verifyToken(token)).resolves.toMatchObject({ userId: 'rotated' });
    } finally {
      await server.close();
    }
  });
  it('refusals that time or an outage can change are not remembered: nbf in the future, then valid', async () => {
    const clock = manualClock(Date.now());
    const kit = newKit({ now: clock.now });
    const nbf = Math.floor(clock.now() / 1000) + 600;
    const token = await issuer.mintToken({ sub: 'later', nbf });
    const verifications = countVerifications();
    expect(await refusal(kit.verifyToken(token))).toMatchObject({ code: 'token_not_yet_valid' });
    expect(verifications.count).toBe(0);
    clock.advance(601_000);
    await expect(kit.verifyToken(token)).resolves.toMatchObject({ userId: 'later' });
  });
  it('with tokenCache: false nothing is remembered: each forgery is verified', async () => {
    const kit = newKit({ tokenCache: false });
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await issuer.mintToken({ sub: 'mallory' }, { key: privateKey });
    const verifications = countVerifications();
    for (let i = 0; i < 3; i++) expect(await refusal(kit.verifyToken(forged))).toMatchObject({ code: 'invalid_token', status: 401 });
    expect(verifications.count).toBe(3);
  });
});
