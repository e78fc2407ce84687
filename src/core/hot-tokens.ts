import type { AuthenticatedContext } from './context.js';
import { contextOf, type VerifiedPayload } from './build-context.js';
import type { CachedToken } from './token-cache.js';

/** One hot token: its cache entry and the context built from it. */
export interface HotToken<TClaims> {
  hit: CachedToken<VerifiedPayload<TClaims>>;
  auth: AuthenticatedContext<TClaims>;
}

/** The few tokens in use right now, by their exact string (see {@link createHotTokens}). */
export interface HotTokens<TClaims> {
  get(token: string): HotToken<TClaims> | undefined;
  /** Keep `token` with a context built from `hit`, and return that context. */
  remember(token: string, hit: CachedToken<VerifiedPayload<TClaims>>): AuthenticatedContext<TClaims>;
  /** Forget every token (the cache dropped entries for a reason: keys, revocation, clear). */
  clear(): void;
}

/**
 * The tokens seen a second time, by their exact string, with the context already built: a hit
 * costs one map lookup (no digest, no new context). Bounded by `size` (oldest out first) however
 * many tokens are cached; the verifier empties it whenever the cache drops entries for a reason.
 *
 * @example
 * ```ts
 * const hot = createHotTokens<Claims>(128)
 * const auth = hot.get(token)?.auth ?? hot.remember(token, cached)
 * ```
 */
export function createHotTokens<TClaims>(size: number): HotTokens<TClaims> {
  const entries = new Map<string, HotToken<TClaims>>();
  return {
    get: (token) => (entries.size > 0 ? entries.get(token) : undefined),
    remember(token, hit) {
      // Its own copy: a token cut out of a header is a sliced string that would keep the header alive.
      const own = (' ' + token).slice(1);
      const auth = contextOf(own, hit.value);
      if (entries.size >= size) entries.delete(entries.keys().next().value as string);
      entries.set(own, { hit, auth });
      return auth;
    },
    clear: () => entries.clear(),
  };
}
