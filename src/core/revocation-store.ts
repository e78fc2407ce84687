/**
 * What the verifier needs from a revocation store (back-channel logout).
 * Implementations: `createMemoryRevocationStore()` and, in
 * `logto-authkit/redis`, `createRedisRevocationStore()`.
 */

/** One revocation: every token of `sub` issued before `before` (ms since epoch) is refused. */
export interface Revocation {
  sub: string;
  /** Milliseconds since the epoch; tokens with `iat * 1000 < before` are revoked. */
  before: number;
}

/**
 * A store of revoked subjects shared by every instance of an API.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl, audience, revocation: createMemoryRevocationStore() })
 * ```
 */
export interface RevocationStore {
  /** When `sub` was last revoked (ms since epoch), or `undefined`. May be sync for speed. */
  getRevokedAt(sub: string): number | undefined | Promise<number | undefined>;
  /** Record a revocation (and tell other instances). */
  revoke(revocation: Revocation): Promise<void>;
  /** Be told of revocations, including those made by other instances. Returns an unsubscribe function. */
  subscribe?(listener: (revocation: Revocation) => void): () => void;
  /** Record a logout token's `jti`; resolves `false` when it was seen before (a replay). */
  markJti?(jti: string, ttlMs: number): Promise<boolean>;
}
