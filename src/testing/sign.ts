import { CompactSign, base64url } from 'jose';
import type { CryptoKey } from 'jose';

/**
 * Copies `record` without the members whose value is `undefined`, so a caller
 * can remove a default claim or header parameter by setting it to `undefined`.
 *
 * @example
 * ```ts
 * withoutUndefined({ exp: undefined, sub: 'u1' }); // { sub: 'u1' }
 * ```
 */
export function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/**
 * Signs `payload` as a compact JWS with `key` under `signingAlg`.
 *
 * When `header.alg` differs from `signingAlg` (or is absent), the token is
 * signed under the real algorithm and its header is then swapped for the one
 * asked for: the result claims an algorithm it was not signed with, and its
 * signature does not verify — the shape of an algorithm-confusion attack
 * (RFC 8725 §2.1), for tests that a verifier refuses it.
 *
 * @example
 * ```ts
 * const jws = await signCompact({ sub: 'u1' }, { alg: 'ES384', typ: 'at+jwt' }, 'ES384', privateKey);
 * ```
 */
export async function signCompact(
  payload: Record<string, unknown>,
  header: Record<string, unknown>,
  signingAlg: string,
  key: CryptoKey,
): Promise<string> {
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const jws = await new CompactSign(body).setProtectedHeader({ ...header, alg: signingAlg }).sign(key);
  if (header.alg === signingAlg) return jws;
  const [, encodedPayload, signature] = jws.split('.');
  return `${base64url.encode(JSON.stringify(header))}.${encodedPayload ?? ''}.${signature ?? ''}`;
}
