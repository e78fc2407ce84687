import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';

/** Algorithms a Logto tenant can sign with (RS256, PS256, ES256, ES384, ES512). */
export type TestSigningAlgorithm = 'ES384' | 'ES256' | 'ES512' | 'RS256' | 'PS256';

/** One signing key of a test issuer: its public JWK as published and its private half. */
export interface TestSigningKey {
  /** RFC 7638 SHA-256 thumbprint of the public key, as Logto computes its `kid`. */
  readonly kid: string;
  /** Algorithm the key was generated for (RSA keys also sign the other RSA algorithm). */
  readonly alg: TestSigningAlgorithm;
  /** The public JWK exactly as the JWKS endpoint publishes it. */
  readonly publicJwk: Record<string, unknown>;
  /** The private key for `alg`, imported on first use and cached. */
  signingKey(alg: TestSigningAlgorithm): Promise<CryptoKey>;
}

const isRSA = (alg: string): boolean => alg === 'RS256' || alg === 'PS256';

/**
 * Generates a fresh signing key the way a Logto tenant publishes it: `kid` is
 * the RFC 7638 thumbprint, `use: 'sig'`, EC keys carry `alg`, RSA keys carry
 * **no** `alg` (a Logto fact: verifiers must not require it).
 *
 * @param alg - Algorithm of the key. @default 'ES384' (Logto's default key)
 * @example
 * ```ts
 * const key = await generateTestSigningKey('ES384');
 * const jwks = { keys: [key.publicJwk] };
 * ```
 */
export async function generateTestSigningKey(alg: TestSigningAlgorithm = 'ES384'): Promise<TestSigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  const publicJwk = publicPart(privateJwk, kid, alg);
  // One RSA key serves RS256 and PS256 (RSA keygen is slow); WebCrypto binds a
  // CryptoKey to one algorithm, so each use imports its own handle.
  const imported = new Map<string, Promise<CryptoKey>>([[alg, Promise.resolve(privateKey)]]);
  return {
    kid,
    alg,
    publicJwk,
    signingKey(use) {
      if (isRSA(use) !== isRSA(alg) || (!isRSA(alg) && use !== alg)) {
        return Promise.reject(new TypeError(`a ${alg} key cannot sign ${use}`));
      }
      let key = imported.get(use);
      if (!key) {
        key = importJWK(privateJwk, use) as Promise<CryptoKey>;
        imported.set(use, key);
      }
      return key;
    },
  };
}

function publicPart(jwk: JWK, kid: string, alg: TestSigningAlgorithm): Record<string, unknown> {
  if (jwk.kty === 'RSA') return { kty: 'RSA', use: 'sig', kid, e: jwk.e, n: jwk.n };
  return { kty: 'EC', use: 'sig', kid, alg, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/**
 * Whether `alg` names one of the algorithms a Logto tenant signs with.
 *
 * @example
 * ```ts
 * isTestSigningAlgorithm('ES384'); // true
 * isTestSigningAlgorithm('HS256'); // false
 * ```
 */
export function isTestSigningAlgorithm(alg: unknown): alg is TestSigningAlgorithm {
  return alg === 'ES384' || alg === 'ES256' || alg === 'ES512' || alg === 'RS256' || alg === 'PS256';
}
