import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { AuthError } from '../../src/core/errors.js';
import type { AuthKitOptions } from '../../src/core/options.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

// What each kind of token makes the verifier do before it is refused: digests, JWKS fetches,
// promise hops. Counts only, never times. The digest is node:crypto's one-shot `hash`, which the
// verifier picks up when it is created, so the spy goes in first.
const nodeCrypto = process.getBuiltinModule('node:crypto');
const digests = vi.spyOn(nodeCrypto, 'hash');
let issuer: TestIssuer;
const kits: AuthKit[] = [];
const makeKit = (extra: Partial<AuthKitOptions> = {}): AuthKit => {
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, onWarning: () => {}, ...extra });
  kits.push(kit);
  return kit;
};
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const forgeUnknownKid = (): string => {
  const now = Math.floor(Date.now() / 1000);
  const payload = b64({ sub: 'admin', iat: now, exp: now + 3600, iss: issuer.issuer, aud: issuer.audience, client_id: issuer.clientId, scope: 'admin' });
  return `${b64({ alg: 'ES384', typ: 'at+jwt', kid: randomBytes(32).toString('base64url') })}.${payload}.${randomBytes(96).toString('base64url')}`;
};
const garbage = (): string[] => [
  randomBytes(300).toString('base64url'),
  `${randomBytes(30).toString('base64url')}.${randomBytes(120).toString('base64url')}.${randomBytes(96).toString('base64url')}`,
  randomBytes(200).toString('latin1'),
  `eyJ${randomBytes(40).toString('base64url')}.e30.c2ln`,
  'x'.repeat(20_000),
];
const headers = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await issuer.close();
  digests.mockRestore();
});

describe('verifier costs: what a refused token does not cost', () => {
  it('garbage: no digest, refused in the same tick, every refusal counted', async () => {
    const kit = makeKit();
    await kit.verifyToken(await issuer.mintToken());
    digests.mockClear();
    for (const token of garbage()) {
      const auth = kit.authenticate(headers(token));
      expect(auth).not.toBeInstanceOf(Promise);
      expect((auth as { status: string }).status).toBe('anonymous');
      await expect(kit.verifyToken(token)).rejects.toBeInstanceOf(AuthError);
    }
    expect(digests).not.toHaveBeenCalled();
    expect(kit.stats().verifications.refused).toBe(10);
  });

  it('forged unknown kids: no digest, and once the refetch budget is spent, no fetch and no promise', async () => {
    const kit = makeKit({ jwksCooldown: 60_000 });
    await kit.verifyToken(await issuer.mintToken());
    for (let i = 0; i < 5; i++) await expect(kit.verifyToken(forgeUnknownKid())).rejects.toBeInstanceOf(AuthError);
    const fetches = issuer.jwksRequests;
    digests.mockClear();
    for (let i = 0; i < 20; i++) {
      const auth = kit.authenticate(headers(forgeUnknownKid()));
      expect(auth).not.toBeInstanceOf(Promise);
      expect((auth as { status: string; error: AuthError }).error.code).toBe('jwks_unavailable');
    }
    expect(digests).not.toHaveBeenCalled();
    expect(issuer.jwksRequests).toBe(fetches);
  });

  it('a genuine token: one digest when first verified, one per cache lookup after, none from the hot set', async () => {
    const kit = makeKit();
    await kit.verifyToken(await issuer.mintToken());
    const token = await issuer.mintToken({ sub: 'user-costs' });
    digests.mockClear();
    await kit.verifyToken(token);
    expect(digests).toHaveBeenCalledTimes(1);
    await kit.verifyToken(token);
    expect(digests).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 5; i++) expect(kit.authenticate(headers(token))).not.toBeInstanceOf(Promise);
    expect(digests).toHaveBeenCalledTimes(2);
  });

  it('a refusal that says nothing of its token is one frozen error per kit and reason, marked by its own kit only', async () => {
    const url = 'https://api.example.com/.well-known/oauth-protected-resource';
    const marked = makeKit({ resourceMetadataUrl: url });
    const plain = makeKit();
    const refusalOf = (kit: AuthKit, token: string) => kit.verifyToken(token).then(() => expect.unreachable('was accepted'), (e: unknown) => e as AuthError);
    const [first, second] = [await refusalOf(marked, 'not-a-jwt.x'), await refusalOf(marked, 'another.bad!token')];
    expect(first.reason).toBe('malformed_token');
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as unknown as Record<string, unknown>).requestId = 'r1';
    }).toThrow(TypeError);
    const other = await refusalOf(plain, 'not-a-jwt.x');
    expect(other).not.toBe(first);
    expect(first.wwwAuthenticate).toContain('resource_metadata=');
    expect(other.wwwAuthenticate).not.toContain('resource_metadata=');
    // Refusals that name their token's specifics are still made per token.
    const expired = await issuer.mintToken({ exp: Math.floor(Date.now() / 1000) - 600 });
    expect(await refusalOf(plain, expired)).not.toBe(await refusalOf(plain, expired));
  });

  it('a spent refetch budget answers every unknown kid with one frozen 503 while its Retry-After holds', async () => {
    const kit = makeKit({ jwksCooldown: 600_000 });
    await kit.verifyToken(await issuer.mintToken());
    for (let i = 0; i < 5; i++) await kit.verifyToken(forgeUnknownKid()).catch(() => undefined);
    const errors = [];
    for (let i = 0; i < 10; i++) errors.push(await kit.verifyToken(forgeUnknownKid()).then(() => expect.unreachable('was accepted'), (e: unknown) => e as AuthError));
    expect(errors[0]?.reason).toBe('jwks_refetch_cooldown');
    expect(errors[0]?.status).toBe(503);
    expect(errors[0]?.retryAfter).toBeGreaterThan(0);
    expect(Object.isFrozen(errors[0])).toBe(true);
    // The Retry-After second may turn during the loop: at most two instances.
    expect(new Set(errors).size).toBeLessThanOrEqual(2);
    expect(kit.stats().verifications.refused).toBeGreaterThanOrEqual(15);
  });
});
