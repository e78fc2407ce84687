import type { NormalizedOptions } from '../core/options.js';
import { isAuthError } from '../core/errors.js';
import { answer, unavailable } from './answer.js';
import { revocationTime, type FetchHandler } from './backchannel-handler.js';
import { createMemoryRevocationStore, DEFAULT_REVOCATION_TTL } from './memory-store.js';
import { readPostBody, utf8 } from './read-post-body.js';
import { revocationTargets, WebhookPayloadError, webhookRules, type LogtoWebhookPayload, type WebhookRevocationTarget, type WebhookRevokeRule } from './webhook-events.js';
import { bodyDigest, importWebhookSigningKey, LOGTO_SIGNATURE_HEADER, verifyLogtoSignature } from './webhook-signature.js';

/**
 * The parts of an `AuthKit` the webhook receiver uses; every `createAuthKit()` result fits.
 *
 * @example
 * ```ts
 * const kit: WebhookKit = createAuthKit({ logtoUrl, audience, revocation })
 * ```
 */
export interface WebhookKit {
  readonly options: Pick<NormalizedOptions<unknown>, 'now' | 'clockTolerance' | 'revocation'>;
  revoke(revocation: { sub: string; before?: number; iss?: string; organizationId?: string }): Promise<void>;
}

/**
 * Options of {@link createLogtoWebhookHandler}.
 *
 * @example
 * ```ts
 * const options: LogtoWebhookOptions = { kit, signingKey: process.env.LOGTO_WEBHOOK_SIGNING_KEY!, revokeOn: ['Organization.Membership.Updated'] }
 * ```
 */
export interface LogtoWebhookOptions {
  /** The kit whose revocation store, issuers and clock apply. Its users are revoked for every issuer of the kit (one tenant). */
  kit: WebhookKit;
  /** The webhook's signing key (Logto Console → Webhooks → the webhook → Signing key). */
  signingKey: string;
  /**
   * Events that revoke beside the defaults (`User.Deleted`, and
   * `User.SuspensionStatus.Updated` with the user suspended):
   * `'PostResetPassword'`, `'Organization.Membership.Updated'` (that
   * organization's tokens only), or functions of the delivery.
   * @default []
   */
  revokeOn?: readonly WebhookRevokeRule[];
  /** Largest request body in bytes. @default 524288 (Logto caps a membership delivery's id lists at about 470 KB) */
  maxBodySize?: number;
}

const JSON_TYPE = 'application/json';

function parsePayload(text: string | undefined): LogtoWebhookPayload | string {
  if (text === undefined) return 'request body is not UTF-8';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'request body is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'request body is not a JSON object';
  const { event, createdAt } = value as Record<string, unknown>;
  if (typeof event !== 'string' || event === '') return 'delivery has no "event"';
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return 'delivery has no ISO 8601 "createdAt"';
  return value as LogtoWebhookPayload;
}

/**
 * A receiver for Logto webhooks that revokes API access on Logto's own
 * events. By default a deleted user (`User.Deleted`) and a suspended one
 * (`User.SuspensionStatus.Updated` with `data.isSuspended: true`) lose every
 * token issued up to the event, on every instance sharing the kit's store.
 * The `logto-signature-sha-256` header must be the HMAC-SHA256 of the raw body
 * with `signingKey` (compared in constant time), or nothing is applied.
 * A redelivery (Logto retries a 5xx up to 3 times, with the same body) is
 * applied once. Answers 200 (`Cache-Control: no-store`), 400, 401 (bad or
 * missing signature), 405, 413, 415, or 503 when the store is unreachable, so
 * that Logto retries.
 *
 * Revocation time is the delivery's `createdAt` (Logto's clock, the clock of
 * the tokens' `iat`) rounded up to the end of its second: a replay later on
 * revokes nothing issued after the event, e.g. after a reactivation.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl, audience, revocation })
 * const webhook = createLogtoWebhookHandler({ kit, signingKey: process.env.LOGTO_WEBHOOK_SIGNING_KEY!, revokeOn: ['PostResetPassword'] })
 * // Fetch runtimes: export const POST = webhook; node:http / Express: app.post('/logto/webhook', toNodeHandler(webhook))
 * ```
 */
export function createLogtoWebhookHandler(options: LogtoWebhookOptions): FetchHandler {
  const { kit, signingKey } = options;
  const store = kit?.options?.revocation;
  if (!store) throw new TypeError('logto-authkit: createLogtoWebhookHandler needs a kit with a "revocation" store');
  if (typeof signingKey !== 'string' || signingKey === '') throw new TypeError('logto-authkit: option "signingKey" must be the webhook\'s signing key (a non-empty string)');
  const maxBodySize = options.maxBodySize ?? 524_288;
  if (!Number.isInteger(maxBodySize) || maxBodySize <= 0) throw new TypeError('logto-authkit: option "maxBodySize" must be a positive integer');
  const rules = webhookRules(options.revokeOn);
  const { now, clockTolerance } = kit.options;
  const key = importWebhookSigningKey(signingKey);
  // Remembered as long as the revocation it applied: later, every token it could refuse has expired.
  const seenTtl = store.ttl ?? DEFAULT_REVOCATION_TTL;
  const seen = store.markJti ? store : createMemoryRevocationStore({ now, ttl: seenTtl });

  return async (request) => {
    const body = await readPostBody(request, { type: JSON_TYPE, maxBodySize, what: 'Logto webhook' });
    if ('status' in body) return answer(body.status, 'invalid_request', body.description, body.status === 405 ? { allow: 'POST' } : {});
    if (!(await verifyLogtoSignature(await key, body.bytes, request.headers.get(LOGTO_SIGNATURE_HEADER)))) {
      return answer(401, 'invalid_request', `${LOGTO_SIGNATURE_HEADER} is missing or does not match the raw body (check the signing key; no JSON body parser may run first)`);
    }
    const payload = parsePayload(utf8(body.bytes));
    if (typeof payload === 'string') return answer(400, 'invalid_request', payload);
    let targets: WebhookRevocationTarget[];
    try {
      targets = revocationTargets(rules, payload);
    } catch (error) {
      if (error instanceof WebhookPayloadError) return answer(400, 'invalid_request', error.message);
      return answer(500, 'server_error', 'a "revokeOn" rule failed');
    }
    if (targets.length === 0) return answer(200);
    const createdAt = Date.parse(payload.createdAt);
    if (createdAt > now() + clockTolerance * 1000) return answer(400, 'invalid_request', 'delivery "createdAt" lies in the future (check the clocks)');
    const before = revocationTime(createdAt / 1000, createdAt);
    try {
      if (!(await seen.markJti?.(`logto-webhook ${await bodyDigest(body.bytes)}`, seenTtl))) return answer(200);
      // A store that failed after the mark still holds the revocation (the Redis store queues it until Redis is back).
      for (const { sub, organizationId } of targets) await kit.revoke({ sub, before, ...(organizationId === undefined ? {} : { organizationId }) });
    } catch (error) {
      return unavailable('the revocation store is unreachable; try again', isAuthError(error) ? error.retryAfter : undefined);
    }
    return answer(200);
  };
}
