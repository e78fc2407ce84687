/** One published key as the report shows it (public members only). */
export interface PublishedKey {
  kid: string | undefined;
  kty: string | undefined;
  /** `alg` as published, or the one its curve implies; `undefined` for an RSA key without `alg`. */
  alg: string | undefined;
  use: string | undefined;
  jwk: Record<string, unknown>;
}

// RFC 7518 §3.4 and RFC 8037 §3.1: an EC or OKP key's curve fixes its algorithm.
const CURVE_ALGORITHMS: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', Ed25519: 'EdDSA' };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The keys of a JWKS document (RFC 7517 §5), or a sentence saying why it is not one.
 *
 * @example
 * ```ts
 * readKeySet('{"keys":[{"kty":"EC","crv":"P-384","kid":"k1"}]}') // [{ kid: 'k1', alg: 'ES384', … }]
 * ```
 */
export function readKeySet(body: string): PublishedKey[] | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the answer is not JSON';
  }
  const keys = typeof value === 'object' && value !== null ? (value as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) return 'the answer has no "keys" array';
  return keys
    .filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null && !Array.isArray(k))
    .map((jwk) => ({
      kid: text(jwk.kid),
      kty: text(jwk.kty),
      alg: text(jwk.alg) ?? CURVE_ALGORITHMS[String(jwk.crv)],
      use: text(jwk.use),
      jwk,
    }));
}

/** `kid (alg)` of each key, for one line of the report. */
export function describeKeys(keys: readonly PublishedKey[]): string {
  return keys.map((k) => `${k.kid ?? '(no kid)'} (${k.alg ?? k.kty ?? 'unknown'})`).join(', ');
}
