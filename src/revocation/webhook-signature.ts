/**
 * The request header carrying Logto's webhook signature: the hex HMAC-SHA256 of the raw body.
 *
 * @example
 * ```ts
 * const signature = request.headers.get(LOGTO_SIGNATURE_HEADER)
 * ```
 */
export const LOGTO_SIGNATURE_HEADER = 'logto-signature-sha-256';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Import a webhook's signing key (Logto Console → Webhooks → the webhook →
 * Signing key) for HMAC-SHA256. Logto keys the HMAC with the key string's
 * UTF-8 bytes. Web Crypto, so it runs on Node and on the edge alike.
 *
 * @example
 * ```ts
 * const key = await importWebhookSigningKey(process.env.LOGTO_WEBHOOK_SIGNING_KEY!)
 * ```
 */
export function importWebhookSigningKey(signingKey: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(signingKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

const fromHex = (hex: string): Uint8Array<ArrayBuffer> => {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
};

/**
 * Whether `signature` (the `logto-signature-sha-256` header) is the HMAC of
 * exactly these body bytes. The comparison is Web Crypto's `verify`, which
 * compares the digests in constant time (Node: `CRYPTO_memcmp`), so timing
 * tells an attacker nothing about how much of a guess was right. A header that
 * is absent or not 64 hex digits is refused before any HMAC is computed.
 *
 * @example
 * ```ts
 * if (!(await verifyLogtoSignature(key, bytes, request.headers.get(LOGTO_SIGNATURE_HEADER)))) return answer(401, …)
 * ```
 */
export async function verifyLogtoSignature(key: CryptoKey, body: Uint8Array<ArrayBuffer>, signature: string | null): Promise<boolean> {
  if (signature === null || !HEX_SHA256.test(signature.trim())) return false;
  return crypto.subtle.verify('HMAC', key, fromHex(signature.trim()), body);
}

/**
 * The hex SHA-256 of a delivery's raw body: the id under which it is
 * remembered. Logto's deliveries carry no delivery id, and a retry re-sends
 * the very same bytes.
 *
 * @example
 * ```ts
 * await store.markJti(`logto-webhook ${await bodyDigest(bytes)}`, ttl)
 * ```
 */
export async function bodyDigest(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
