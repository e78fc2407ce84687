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
});
