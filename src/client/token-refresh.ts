import type { TokenSource } from './types.js';

/**
 * Reads tokens from a {@link TokenSource}, sharing one refresh among every caller refused with the same token.
 *
 * @example
 * ```ts
 * const token = await reader.current(); const next = await reader.fresh(token) // null: give up
 * ```
 */
export interface TokenReader {
  /** The current token, or `null` when the user is not signed in. */
  current(): Promise<string | null>;
  /**
   * A token other than `refused`, or `null` when the source has none (it gave
   * the same token back, or none): the caller then gives up instead of looping.
   */
  fresh(refused: string | null): Promise<string | null>;
}

/**
 * Wraps a token source. Concurrent requests refused with the same expired
 * token share one `clearAccessToken` + `getAccessToken`: clearing again after a
 * sibling already refreshed would throw its fresh token away. Options are
 * checked here, once; a bad one throws a `TypeError` naming it.
 *
 * @example
 * ```ts
 * const reader = createTokenReader({ getAccessToken: logto.getAccessToken })
 * ```
 */
export function createTokenReader(source: TokenSource): TokenReader {
  const { getAccessToken, resource, organizationId, clearAccessToken } = source;
  if (typeof getAccessToken !== 'function') throw new TypeError('logto-authkit/client: option "getAccessToken" must be a function (the Logto SDK’s getAccessToken)');
  if (clearAccessToken !== undefined && typeof clearAccessToken !== 'function') throw new TypeError('logto-authkit/client: option "clearAccessToken" must be a function');
  if (resource !== undefined && typeof resource !== 'string') throw new TypeError('logto-authkit/client: option "resource" must be a string');
  if (organizationId !== undefined && typeof organizationId !== 'string') throw new TypeError('logto-authkit/client: option "organizationId" must be a string');
  const read = async (): Promise<string | null> => (await getAccessToken(resource, organizationId)) || null;
  let last: { refused: string | null; fresh: Promise<string | null> } | undefined;
  return {
    current: read,
    fresh(refused) {
      if (last && last.refused === refused) return last.fresh;
      const fresh = (async () => {
        await clearAccessToken?.();
        const token = await read();
        return token === refused ? null : token;
      })();
      last = { refused, fresh };
      // A failed refresh (the refresh token is gone) must not be served to the next refusal.
      fresh.catch(() => {
        if (last?.fresh === fresh) last = undefined;
      });
      return fresh;
    },
  };
}
