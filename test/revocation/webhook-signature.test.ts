import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyDigest, importWebhookSigningKey, verifyLogtoSignature } from '../../src/revocation/webhook-signature.js';
import { realDeliveries, realSigningKey } from '../helpers/logto-webhooks.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('verifyLogtoSignature', () => {
  it('accepts each of the twelve real Logto deliveries with its signing key, and none with another key', async () => {
    const key = await importWebhookSigningKey(realSigningKey);
    const other = await importWebhookSigningKey(realSigningKey.slice(1));
    const results = await Promise.all(realDeliveries.map(async (d) => [await verifyLogtoSignature(key, bytes(d.rawBody), d.signature), await verifyLogtoSignature(other, bytes(d.rawBody), d.signature)]));
    expect(results).toEqual(realDeliveries.map(() => [true, false]));
  });

  it('refuses a header that is absent, not hex, of another length, or over other bytes', async () => {
    const key = await importWebhookSigningKey(realSigningKey);
    const [d] = realDeliveries;
    const body = bytes(d!.rawBody);
    const answers = await Promise.all([null, '', 'zz'.repeat(32), d!.signature.slice(2), d!.signature + '00'].map((s) => verifyLogtoSignature(key, body, s)));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(await verifyLogtoSignature(key, bytes(d!.rawBody.replace('User', 'Usr')), d!.signature)).toBe(false);
    // Hex digits are case-insensitive: the digest is the same bytes.
    expect(await verifyLogtoSignature(key, body, d!.signature.toUpperCase())).toBe(true);
  });
});

describe('bodyDigest', () => {
  it('is the hex SHA-256 of the raw bytes', async () => {
    const body = realDeliveries[2]!.rawBody;
    expect(await bodyDigest(bytes(body))).toBe(createHash('sha256').update(body).digest('hex'));
    expect(await bodyDigest(bytes(body + ' '))).not.toBe(await bodyDigest(bytes(body)));
  });
});
