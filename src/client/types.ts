/**
 * The one thing the client helpers need from a Logto SDK, typed structurally so
 * that no SDK is imported: `@logto/browser`, `@logto/react`, `@logto/next` and
 * `@logto/node` all have `getAccessToken(resource?, organizationId?)`.
 */

/**
 * Returns the access token to send, or `null`/`undefined` when the user is not
 * signed in (the request then goes out without credentials). The shape of
 * Logto's `LogtoClient#getAccessToken(resource?, organizationId?)`, so the SDK's
 * method can be passed as it is (it is bound, `this: unknown`).
 *
 * @example
 * ```ts
 * import LogtoClient from '@logto/browser'
 * import type { AccessTokenGetter } from 'logto-authkit/client'
 *
 * declare const logto: LogtoClient
 * const getAccessToken: AccessTokenGetter = logto.getAccessToken
 * ```
 */
export type AccessTokenGetter = (resource?: string, organizationId?: string) => Promise<string | null | undefined>;

/**
 * What every client helper is given to obtain tokens.
 *
 * @example
 * ```ts
 * const source: TokenSource = { getAccessToken: logto.getAccessToken, clearAccessToken: logto.clearAccessToken, resource: 'https://api.example.com' }
 * ```
 */
export interface TokenSource {
  /** How to get the current access token (Logto's `getAccessToken`). */
  getAccessToken: AccessTokenGetter;
  /**
   * Passed to `getAccessToken` as its first argument: the API resource indicator
   * (RFC 8707), e.g. `https://api.example.com`.
   * @default undefined (the SDK's default resource)
   */
  resource?: string;
  /** Passed to `getAccessToken` as its second argument (an organization token). @default undefined */
  organizationId?: string;
  /**
   * Called before asking for a fresh token after the server refused one as
   * expired or revoked. Logto's SDKs cache access tokens until their own `exp`,
   * so a revoked token (or one the server's clock already sees as expired) comes
   * back unchanged unless the cache is cleared: pass the SDK's `clearAccessToken`,
   * which makes the next `getAccessToken` use the refresh token. Without it, the
   * helper still asks once and gives up when it gets the same token back.
   * @default undefined
   */
  clearAccessToken?: () => Promise<void> | void;
}
