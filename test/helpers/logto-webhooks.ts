import { readFileSync } from 'node:fs';

/** One delivery a real Logto v1.37.1 sent (test/fixtures/real-logto/webhooks.json). */
export interface RealDelivery {
  event: string;
  receivedAt: string;
  headers: Record<string, string>;
  rawBody: string;
  signature: string;
}

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/real-logto/${name}`, import.meta.url), 'utf8');

/** The twelve deliveries, in the order Logto sent them. */
export const realDeliveries = JSON.parse(fixture('webhooks.json')) as RealDelivery[];
/** The signing key of the webhook that received them. */
export const realSigningKey = fixture('webhook-signing-key.txt').trim();
/** The issuer of the Logto that sent them. */
export const REAL_ISSUER = 'http://127.0.0.1:3001/oidc';

/** The delivery `index` of `event` (0-based among deliveries of that event). */
export function delivery(event: string, index = 0): RealDelivery {
  const found = realDeliveries.filter((d) => d.event === event)[index];
  if (!found) throw new Error(`no real delivery ${event} #${index}`);
  return found;
}

/** `createdAt` of a delivery, in ms. */
export const createdAtOf = (d: RealDelivery): number => Date.parse((JSON.parse(d.rawBody) as { createdAt: string }).createdAt);

/** The POST as Logto sent it: its content type, user agent and signature, and the raw body byte for byte. */
export function post(url: string, d: RealDelivery, change: { body?: string; signature?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': d.headers['content-type'] as string, 'user-agent': d.headers['user-agent'] as string };
  const signature = change.signature === undefined ? d.headers['logto-signature-sha-256'] : change.signature;
  if (signature !== null && signature !== undefined) headers['logto-signature-sha-256'] = signature;
  return fetch(url, { method: 'POST', headers, body: change.body ?? d.rawBody });
}
