/**
 * Which published keys may verify a token, and for which algorithm.
 */
import type { JWK } from 'jose';

/** A public verification key with the `kid` a token header can name. */
export type VerificationJWK = JWK & { kid: string; kty: string };

/**
 * The entries of a key set's `keys` array that may verify signatures, in document order.
 *
 * Skipped: entries without a string `kid` and `kty`; `use` other than `sig` (RFC 7517 §4.2)
 * or `key_ops` without `verify` (§4.3); symmetric `oct` keys (an HMAC key published in a
 * JWKS would let anyone forge tokens); private keys (`d`, a publishing mistake). `alg` is
 * never required: Logto's RSA JWKs carry none. Duplicate kids: the first entry wins, so a
 * later entry cannot shadow a key already listed.
 *
 * @example
 * ```ts
 * const usable = selectVerificationKeys(body.keys)
 * ```
 */
export function selectVerificationKeys(entries: readonly unknown[]): VerificationJWK[] {
  const seen = new Set<string>();
  const usable: VerificationJWK[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const jwk = entry as Record<string, unknown>;
    if (typeof jwk.kid !== 'string' || jwk.kid === '' || typeof jwk.kty !== 'string') continue;
    if (jwk.kty === 'oct' || 'd' in jwk) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) continue;
    if (jwk.alg !== undefined && typeof jwk.alg !== 'string') continue;
    if (seen.has(jwk.kid)) continue;
    seen.add(jwk.kid);
    usable.push(jwk as VerificationJWK);
  }
  return usable;
}

const EC_CURVES: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/**
 * Whether `jwk` can verify a signature made with `alg`. The key type follows from the
 * alg (RFC 7518 §3): RSA for RS and PS, EC with the alg's curve for ES, OKP for EdDSA.
 * Logto's RSA JWKs carry no `alg`, so the type decides; a JWK that names one must name `alg`.
 *
 * @example
 * ```ts
 * keyFitsAlgorithm({ kty: 'RSA', kid: 'k', n, e }, 'PS256') // true: Logto's RSA JWKs carry no alg
 * ```
 */
export function keyFitsAlgorithm(jwk: VerificationJWK, alg: string): boolean {
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (/^(?:RS|PS)(?:256|384|512)$/.test(alg)) return jwk.kty === 'RSA';
  const curve = EC_CURVES[alg];
  if (curve !== undefined) return jwk.kty === 'EC' && jwk.crv === curve;
  if (alg === 'EdDSA') return jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448');
  if (alg === 'Ed25519') return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
  return false;
}

// RFC 7638 §3.2: the members that define a public key, in lexicographic order, plus `alg`,
// which narrows what the key may verify (RFC 7517 §4.4).
const MATERIAL_MEMBERS = ['alg', 'crv', 'e', 'kty', 'n', 'x', 'y'] as const;

/**
 * A canonical string of what a JWK verifies with: its RFC 7638 members and `alg`. Two
 * entries with the same material verify the same signatures, whatever their other members;
 * new material under an old `kid` gives another string.
 *
 * @example
 * ```ts
 * if (keyMaterial(before) !== keyMaterial(after)) dropTokensVerifiedBy(before)
 * ```
 */
export function keyMaterial(jwk: VerificationJWK): string {
  return JSON.stringify(MATERIAL_MEMBERS.map((name) => (typeof jwk[name] === 'string' ? jwk[name] : null)));
}
