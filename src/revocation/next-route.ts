import { createBackchannelLogoutHandler, type BackchannelLogoutOptions, type FetchHandler } from './backchannel-handler.js';

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
