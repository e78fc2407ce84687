/** What the cache keeps for one verified token. */
export interface CachedToken<T> {
  value: T;
  kid: string;
  /** The token's issuer; absent matches every issuer. */
  iss?: string;
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
  /** Drop entries of `sub` (of issuer `iss`, when given) issued before `beforeMs` (a revocation). */
  dropSubject(sub: string, beforeMs: number, iss?: string): void;
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
    dropSubject: (sub, beforeMs, iss) => dropWhere((entry) => entry.sub === sub && (iss === undefined || entry.iss === undefined || entry.iss === iss) && entry.issuedAtMs < beforeMs),
    get size() {
      return entries.size;
    },
    clear: () => entries.clear(),
  };
}
