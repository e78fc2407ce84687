import { createBackchannelLogoutHandler, type BackchannelLogoutOptions, type FetchHandler } from './backchannel-handler.js';
import { createLogtoWebhookHandler, type LogtoWebhookOptions } from './webhook-handler.js';

/**
 * The back-channel logout receiver as a Next.js App Router route: the Fetch
 * handler under the `POST` name Next.js looks for. Next.js answers 405 for
 * other methods itself.
 *
 * @example
 * ```ts
 * // app/api/logto/backchannel-logout/route.ts
 * import { createBackchannelLogoutRoute } from 'logto-authkit'
 * import { kit } from '@/lib/auth'
 * export const { POST } = createBackchannelLogoutRoute({ kit, clientId: process.env.LOGTO_APP_ID! })
 * ```
 */
export function createBackchannelLogoutRoute(options: BackchannelLogoutOptions): { POST: FetchHandler } {
  return { POST: createBackchannelLogoutHandler(options) };
}

/**
 * The Logto webhook receiver as a Next.js App Router route (`POST`). Route
 * handlers receive the raw body untouched, as the signature check needs.
 *
 * @example
 * ```ts
 * // app/api/logto/webhook/route.ts
 * import { createLogtoWebhookRoute } from 'logto-authkit'
 * import { kit } from '@/lib/auth'
 * export const { POST } = createLogtoWebhookRoute({ kit, signingKey: process.env.LOGTO_WEBHOOK_SIGNING_KEY! })
 * ```
 */
export function createLogtoWebhookRoute(options: LogtoWebhookOptions): { POST: FetchHandler } {
  return { POST: createLogtoWebhookHandler(options) };
}
