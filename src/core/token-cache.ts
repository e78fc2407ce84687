/** What the cache keeps for one verified token. */
export interface CachedToken<T> {
  value: T;
  kid: string;
  /** The key material that verified it (the key store's `keyMaterial`); absent: only the kid is checked. */
  keyMaterial?: string;
  sub: string;
  /** `iat` in ms, or -Infinity when absent (so any revocation covers it). */
  issuedAtMs: number;
  /** `exp` in ms: the entry never outlives the token. */
  expiresAtMs: number;
}

/** A bounded LRU from token string to its verified result. */
export interface TokenCache<T> {
  get(token: string, nowMs: number): CachedToken<T> | undefined;
  set(token: string, entry: CachedToken<T>): void;
  /** Drop entries whose key left the JWKS. */
  retainKids(kids: ReadonlySet<string>): void;
  /** Drop entries whose kid left the JWKS or whose key material changed (kid → material). */
  retainKeys(keys: ReadonlyMap<string, string>): void;
  /** Drop entries of `sub` issued before `beforeMs` (a revocation). */
  dropSubject(sub: string, beforeMs: number): void;
  readonly size: number;
  clear(): void;
}

/**
 * Create the verified-token cache. A browser sends the same token for up to an
 * hour (Logto's default TTL); a hit costs a map lookup instead of an ECDSA
 * verification. Map iteration order is insertion order, which makes it an LRU
 * when a hit re-inserts its entry.
 *
 * @example
 * ```ts
 * const cache = createTokenCache<string>(10_000)
 * ```
 */
export function createTokenCache<T>(maxEntries: number): TokenCache<T> {
  const entries = new Map<string, CachedToken<T>>();
  const dropWhere = (test: (entry: CachedToken<T>) => boolean): void => {
    for (const [token, entry] of entries) if (test(entry)) entries.delete(token);
  };
  return {
    get(token, nowMs) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      entries.delete(token);
      if (nowMs >= entry.expiresAtMs) return undefined;
      entries.set(token, entry);
      return entry;
    },
    set(token, entry) {
      entries.delete(token);
      entries.set(token, entry);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    retainKids: (kids) => dropWhere((entry) => !kids.has(entry.kid)),
    retainKeys: (keys) =>
      dropWhere((entry) => {
        const material = keys.get(entry.kid);
        return material === undefined || (entry.keyMaterial !== undefined && entry.keyMaterial !== material);
      }),
    dropSubject: (sub, beforeMs) => dropWhere((entry) => entry.sub === sub && entry.issuedAtMs < beforeMs),
    get size() {
      return entries.size;
    },
    clear: () => entries.clear(),
  };
}
