/** What the cache keeps for one verified token. */
export interface CachedToken<T> {
  value: T;
  kid: string;
  /** The token's issuer; absent matches every issuer. */
  iss?: string;
  /** The key material that verified it (the key store's `keyMaterial`); absent: only the kid is checked. */
  keyMaterial?: string;
  sub: string;
  /** `iat` in ms, or -Infinity when absent (so any revocation covers it). */
  issuedAtMs: number;
  /** `exp` in ms: the entry never outlives the token. */
  expiresAtMs: number;
  /** Estimated bytes `value` keeps alive beyond the token string (see {@link estimateEntryBytes}). */
  valueBytes: number;
  /** Kept by the cache (its insertion sequence); give `0`. @default 0 */
  seq?: number;
}

/** Bounds of {@link createTokenCache}; an entry is evicted as soon as either is exceeded. */
export interface TokenCacheBounds {
  /** Most entries kept. */
  maxEntries: number;
  /** Most estimated bytes kept, keys included. */
  maxBytes: number;
  /** Told before entries are dropped for a reason (`retainKeys`, `dropSubject`, `clear`), not for room. @default none */
  onDrop?: () => void;
}

/**
 * A bounded LRU from a token's key to its verified result. The key is the token itself or a
 * collision-resistant digest of it (the verifier's `selectTokenDigest`): two byte-different
 * tokens must never share a key, since a hit hands out a verified context.
 */
export interface TokenCache<T> {
  get(token: string, nowMs: number): CachedToken<T> | undefined;
  /** Keep `entry` for `token`; an entry larger than `maxBytes` on its own is not kept. */
  set(token: string, entry: CachedToken<T>): void;
  /** Drop entries whose kid left the JWKS or whose key material changed (kid → material). */
  retainKeys(keys: ReadonlyMap<string, string>): void;
  /** Drop entries of `sub` (of issuer `iss`, when given) issued before `beforeMs` (a revocation). */
  dropSubject(sub: string, beforeMs: number, iss?: string): void;
  readonly size: number;
  /** Estimated bytes of every entry kept, keys included. */
  readonly bytes: number;
  clear(): void;
}

// The Map slot, the entry record and the context object with its two closures. With it the estimate
// stays at or above the heap bench/memory.ts measures per entry (1,972 B for a 523-character token).
const ENTRY_OVERHEAD_BYTES = 512;

/**
 * Estimated bytes one cache entry keeps: the token string and the parsed payload at two bytes per
 * character (UTF-16, the worst case of V8's string storage), plus a fixed overhead. `payloadChars`
 * is the length of the payload's JSON text; the token's own middle segment gives it without a parse.
 *
 * @example
 * ```ts
 * estimateEntryBytes(token.length, payloadJson.length) // 2 * (token + payload) + 512
 * ```
 */
export function estimateEntryBytes(tokenChars: number, payloadChars: number): number {
  return 2 * (tokenChars + payloadChars) + ENTRY_OVERHEAD_BYTES;
}

/**
 * Create the verified-token cache. A browser sends the same token for up to an
 * hour (Logto's default TTL); a hit costs a map lookup instead of an ECDSA
 * verification. Map iteration order is insertion order, which makes it an LRU
 * when a hit re-inserts its entry. Bounded by count and by estimated bytes, so
 * large tokens (many custom claims) cannot hold more memory than `maxBytes`.
 *
 * @example
 * ```ts
 * const cache = createTokenCache<string>({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 })
 * ```
 */
export function createTokenCache<T>({ maxEntries, maxBytes, onDrop }: TokenCacheBounds): TokenCache<T> {
  const entries = new Map<string, CachedToken<T>>();
  // Insertion sequence (`seq`) of each entry, increasing in map order. A hit re-inserts its entry
  // only when it is in the older half: the newer half is evicted last anyway, and moving every hit
  // churned the map (a delete and a set per request, and a rehash every few dozen of them).
  let clock = 0;
  let bytes = 0;
  // Keys are one-byte strings (a base64url token or a latin1 digest); two bytes a character stays an upper bound.
  const sizeOf = (key: string, entry: CachedToken<T>): number => 2 * key.length + entry.valueBytes;
  const remove = (token: string, entry: CachedToken<T>): void => {
    entries.delete(token);
    bytes -= sizeOf(token, entry);
  };
  const dropWhere = (test: (entry: CachedToken<T>) => boolean): void => {
    onDrop?.();
    for (const [token, entry] of entries) if (test(entry)) remove(token, entry);
  };
  return {
    get(token, nowMs) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (nowMs >= entry.expiresAtMs) {
        remove(token, entry);
        return undefined;
      }
      if (clock - (entry.seq ?? 0) >= entries.size / 2) {
        entries.delete(token);
        entries.set(token, entry);
        entry.seq = ++clock;
      }
      return entry;
    },
    set(token, entry) {
      const previous = entries.get(token);
      if (previous !== undefined) remove(token, previous);
      const size = sizeOf(token, entry);
      if (size > maxBytes) return;
      entry.seq = ++clock;
      entries.set(token, entry);
      bytes += size;
      for (const [oldest, kept] of entries) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        remove(oldest, kept);
      }
    },
    retainKeys: (keys) =>
      dropWhere((entry) => {
        const material = keys.get(entry.kid);
        return material === undefined || (entry.keyMaterial !== undefined && entry.keyMaterial !== material);
      }),
    dropSubject: (sub, beforeMs, iss) => dropWhere((entry) => entry.sub === sub && (iss === undefined || entry.iss === undefined || entry.iss === iss) && entry.issuedAtMs < beforeMs),
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    clear: () => {
      onDrop?.();
      entries.clear();
      bytes = 0;
    },
  };
}
