/**
 * The key store: Logto's JWKS cached for `cacheTtl`, one fetch shared by every
 * concurrent caller, unknown-`kid` refetches rate-limited by a global cooldown,
 * and cached keys kept serving for `staleTtl` while Logto is unreachable.
 */
import { importJWK } from 'jose';
import { AuthError } from './errors.js';
import { fetchJWKS } from './jwks-fetch.js';
import { keyFitsAlgorithm, type VerificationJWK } from './jwks-keys.js';

/** Options of {@link createJWKSStore}; the kit fills them from its normalized options. */
export interface JWKSStoreOptions {
  /** Where the key set lives, e.g. `https://tenant.logto.app/oidc/jwks`. */
  url: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Clock in milliseconds. */
  now: () => number;
  /** Milliseconds a fetched set is fresh. The kit's default is 300000. */
  cacheTtl: number;
  /** Minimum milliseconds between fetches caused by an unknown `kid` or retried after a failure. The kit's default is 30000. */
  cooldown: number;
  /** Milliseconds one fetch may take, body included. The kit's default is 5000. */
  timeout: number;
  /** Milliseconds after the last successful fetch during which its keys keep serving when refreshing fails. The kit's default is 3600000. */
  staleTtl: number;
  /** JWS algorithms a token may use. */
  algorithms: readonly string[];
  /** A larger set is refused as an invalid response. @default 100 */
  maxKeys?: number;
  /** Largest body accepted, in bytes. @default 524288 */
  maxBytes?: number;
}

/** Verification keys for token headers, from a remote JWKS. */
export interface JWKSStore {
  /** Resolve the verification key for a token header. Throws AuthError('invalid_token') when kid is unknown even after an allowed refetch, or when the key does not fit alg; AuthError('jwks_unavailable') when no key set can be had (never a 401 code for an outage). */
  getKey(header: { alg: string; kid: string }): Promise<CryptoKey>;
  /** Whether a kid is in the current key set (used to drop cached tokens whose key left the set). */
  hasKid(kid: string): boolean;
  /** Called with the set of kids after every successful fetch that changed it (the first successful fetch included). Returns unsubscribe. */
  onKeysChanged(listener: (kids: ReadonlySet<string>) => void): () => void;
  /** Number of fetches started (for tests and benchmarks). */
  readonly fetchCount: number;
  /** Removes listeners and aborts a fetch in flight; later `getKey` calls reject with `jwks_unavailable`. */
  close(): void;
}

// Bounds the memory of kids already looked up in vain; forged tokens can name any kid.
const MAX_UNKNOWN_KIDS = 1_000;
/**
 * Creates a key store for one JWKS URL. Nothing is fetched until the first `getKey`.
 *
 * @example
 * ```ts
 * const store = createJWKSStore({
 *   url: 'https://tenant.logto.app/oidc/jwks', fetch, now: Date.now,
 *   cacheTtl: 300_000, cooldown: 30_000, timeout: 5_000, staleTtl: 3_600_000,
 *   algorithms: ['ES384'],
 * })
 * const key = await store.getKey({ alg: 'ES384', kid })
 * ```
 */
export function createJWKSStore(options: JWKSStoreOptions): JWKSStore {
  const { now, cacheTtl, cooldown, staleTtl } = options;
  const closer = new AbortController();
  const listeners = new Set<(kids: ReadonlySet<string>) => void>();
  const unknownKids = new Set<string>();
  const imported = new Map<string, Promise<CryptoKey>>();
  let keys: Map<string, VerificationJWK> | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  // Measured between unknown-kid refetches only, so a key that Logto starts
  // signing with right after our periodic refresh is picked up at once.
  let lastKidRefetchAt = Number.NEGATIVE_INFINITY;
  let lastFailure: unknown;
  let inflight: Promise<void> | undefined;
  let fetchCount = 0;

  const unavailable = (message: string) => new AuthError('jwks_unavailable', message, { cause: lastFailure });

  function apply(list: readonly VerificationJWK[]): void {
    const next = new Map(list.map((jwk) => [jwk.kid, jwk] as const));
    const previous = keys;
    keys = next;
    fetchedAt = now();
    lastFailure = undefined;
    for (const cacheKey of imported.keys()) {
      const kid = cacheKey.slice(0, cacheKey.indexOf('\u0000'));
      const before = previous?.get(kid);
      const after = next.get(kid);
      if (after === undefined || before === undefined || JSON.stringify(before) !== JSON.stringify(after)) imported.delete(cacheKey);
    }
    const changed = previous === undefined || previous.size !== next.size || [...next.keys()].some((kid) => !previous.has(kid));
    if (!changed) return;
    unknownKids.clear();
    const kids: ReadonlySet<string> = new Set(next.keys());
    for (const listener of [...listeners]) {
      try {
        listener(kids);
      } catch {
        // A subscriber's bug must not turn a good key set into an outage.
      }
    }
  }

  function refresh(): Promise<void> {
    if (inflight) return inflight;
    fetchCount += 1;
    lastAttemptAt = now();
    const attempt = fetchJWKS(options.url, {
      fetch: options.fetch,
      timeout: options.timeout,
      maxBytes: options.maxBytes,
      maxKeys: options.maxKeys,
      signal: closer.signal,
    }).then(apply, (error: unknown) => {
      lastFailure = error;
    });
    inflight = attempt.finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  // After a failure, retries wait out the cooldown: a dead IdP is not hammered.
  const mayRetry = () => lastFailure === undefined || now() - lastAttemptAt >= cooldown;

  async function ensureUsable(): Promise<Map<string, VerificationJWK>> {
    if (keys === undefined || now() - fetchedAt >= cacheTtl) {
      if (inflight) await inflight;
      else if (mayRetry()) await refresh();
    }
    if (closer.signal.aborted) throw unavailable('the key store is closed');
    if (keys === undefined) throw unavailable('the key set is unavailable');
    const age = now() - fetchedAt;
    if (age >= cacheTtl && age > staleTtl) throw unavailable('the key set is unavailable and the cached one is too old');
    return keys;
  }

  // While Logto cannot be reached, a kid we do not know may be the key it just
  // rotated to: that is an outage (503), never a bad token (401) that makes
  // clients sign their users out.
  const unknownKid = (): AuthError =>
    lastFailure === undefined ? new AuthError('invalid_token', 'the token key is not in the key set') : unavailable('the key set cannot be refreshed to find the token key');

  async function lookupUnknown(kid: string): Promise<VerificationJWK> {
    if (inflight) await inflight;
    else if (unknownKids.has(kid) || now() - lastKidRefetchAt < cooldown || !mayRetry()) throw unknownKid();
    else {
      lastKidRefetchAt = now();
      await refresh();
    }
    if (closer.signal.aborted) throw unavailable('the key store is closed');
    const jwk = keys?.get(kid);
    if (jwk !== undefined) return jwk;
    if (lastFailure === undefined) {
      if (unknownKids.size >= MAX_UNKNOWN_KIDS) {
        const oldest = unknownKids.values().next();
        if (oldest.done !== true) unknownKids.delete(oldest.value);
      }
      unknownKids.add(kid);
    }
    throw unknownKid();
  }

  async function importFor(jwk: VerificationJWK, alg: string): Promise<CryptoKey> {
    if (!keyFitsAlgorithm(jwk, alg)) throw new AuthError('invalid_token', 'the token key does not fit its algorithm');
    const cacheKey = `${jwk.kid}\u0000${alg}`;
    let pending = imported.get(cacheKey);
    if (pending === undefined) {
      const created = importJWK(jwk, alg).then((key) => {
        if (key instanceof Uint8Array) throw new TypeError('a symmetric key cannot verify tokens');
        return key;
      });
      pending = created;
      imported.set(cacheKey, created);
      created.catch(() => {
        if (imported.get(cacheKey) === created) imported.delete(cacheKey);
      });
    }
    try {
      return await pending;
    } catch (error) {
      throw new AuthError('invalid_token', 'the token key cannot be used for its algorithm', { cause: error });
    }
  }

  return {
    async getKey(header) {
      if (closer.signal.aborted) throw unavailable('the key store is closed');
      if (!options.algorithms.includes(header.alg)) throw new AuthError('invalid_token', 'the token algorithm is not allowed');
      const set = await ensureUsable();
      const jwk = set.get(header.kid) ?? (await lookupUnknown(header.kid));
      return importFor(jwk, header.alg);
    },
    hasKid: (kid) => keys?.has(kid) ?? false,
    onKeysChanged(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    get fetchCount() {
      return fetchCount;
    },
    close() {
      listeners.clear();
      closer.abort();
    },
  };
}
