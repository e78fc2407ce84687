/**
 * Token sets for the benchmarks: genuine tokens from the test issuer, forged
 * tokens naming keys that do not exist, and garbage.
 */
import { randomBytes } from 'node:crypto';
import type { MintOptions, TestIssuer } from '../../src/testing/index.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * `count` genuine, Logto-shaped access tokens, each for its own user.
 *
 * @example
 * ```ts
 * const tokens = await mintMany(issuer, 100)
 * ```
 */
export async function mintMany(issuer: TestIssuer, count: number, options: MintOptions = {}): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await issuer.mintToken({ sub: `user-${i}`, scope: 'read:posts write:posts' }, options));
  return tokens;
}

/**
 * Forged tokens that pass every cheap check (shape, alg, typ, iss, aud, exp)
 * but name a random `kid`: the attacker's best shot at forcing a JWKS fetch or
 * a signature verification per request.
 *
 * @example
 * ```ts
 * const forged = forgeUnknownKid(issuer, 10_000)
 * ```
 */
export function forgeUnknownKid(issuer: TestIssuer, count: number, alg = 'ES384'): string[] {
  const now = Math.floor(Date.now() / 1000);
  const payload = b64({ sub: 'admin', iat: now, exp: now + 3600, iss: issuer.issuer, aud: issuer.audience, client_id: issuer.clientId, scope: 'admin' });
  return Array.from({ length: count }, () => {
    const header = b64({ alg, typ: 'at+jwt', kid: randomBytes(32).toString('base64url') });
    return `${header}.${payload}.${randomBytes(96).toString('base64url')}`;
  });
}

/**
 * Strings that are not tokens at all: random base64url, three random segments,
 * random bytes as text, and a header that does not decode.
 *
 * @example
 * ```ts
 * const garbage = garbageStrings(10_000)
 * ```
 */
export function garbageStrings(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    switch (i % 4) {
      case 0:
        return randomBytes(64 + (i % 400)).toString('base64url');
      case 1:
        return `${randomBytes(30).toString('base64url')}.${randomBytes(120).toString('base64url')}.${randomBytes(96).toString('base64url')}`;
      case 2:
        return randomBytes(200).toString('latin1');
      default:
        return `eyJ${randomBytes(40).toString('base64url')}.e30.c2ln`;
    }
  });
}

/**
 * A token with a known `kid`, a valid shape and claims, but another token's
 * signature: it can only be refused by verifying the signature.
 *
 * @example
 * ```ts
 * const forged = await forgeBadSignature(issuer)
 * ```
 */
export async function forgeBadSignature(issuer: TestIssuer, options: MintOptions = {}): Promise<string> {
  const [header, payload] = (await issuer.mintToken({ sub: 'admin', scope: 'read:posts write:posts admin' }, options)).split('.');
  const signature = (await issuer.mintToken({ sub: 'someone-else' }, options)).split('.')[2];
  return `${header}.${payload}.${signature}`;
}

/**
 * Like {@link mintMany}, signing up to `parallel` tokens at once (WebCrypto
 * signs on libuv's thread pool), for the large unique-token sets.
 *
 * @example
 * ```ts
 * const tokens = await mintManyParallel(issuer, 4000)
 * ```
 */
export async function mintManyParallel(issuer: TestIssuer, count: number, prefix = 'user', parallel = 8): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, j) => issuer.mintToken({ sub: `${prefix}-${i + j}`, scope: 'read:posts write:posts' }));
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}
