/**
 * The key store: Logto's JWKS cached for `cacheTtl` and then revalidated in the
 * background while the stale set keeps serving (up to `staleTtl`), one fetch shared
 * by every caller, and unknown-`kid` refetches bounded by a small budget and a memory
 * of kids looked up in vain.
 */
import { refusal } from './errors.js';
import type { KeyStoreObserver } from './events.js';
import { createKidMemory, createRefetchBudget } from './jwks-budget.js';
import { createKeyImporter } from './jwks-import.js';
import { createUnknownKidLookup, retrySeconds } from './jwks-lookup.js';
import { createKeySetLoader, type KeyEntry } from './jwks-loader.js';
import { keySetFreshness, type JWKSStoreState } from './jwks-state.js';

export type { JWKSStoreState, JWKSStoreStatus, KeySetFreshness } from './jwks-state.js';

/** Options of {@link createJWKSStore}; the kit fills them from its normalized options. */
export interface JWKSStoreOptions {
  /** Where the key set lives, e.g. `https://tenant.logto.app/oidc/jwks`. */
  url: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Clock in milliseconds. */
  now: () => number;
  /** Milliseconds a fetched set is fresh; past it, the next use starts a background refresh. The kit's default is 300000. */
  cacheTtl: number;
  /** Window of the unknown-`kid` refetch budget, how long a kid looked up in vain is not looked up again, and the wait before retrying a failed fetch. The kit's default is 30000. */
  cooldown: number;
  /** Milliseconds one fetch may take, body included. The kit's default is 5000. */
  timeout: number;
  /** Milliseconds after the last successful fetch during which its keys keep serving while a refresh runs or fails. The kit's default is 3600000. */
  staleTtl: number;
  /** JWS algorithms a token may use. */
  algorithms: readonly string[];
  /** Refetches unknown kids may cause per `cooldown` (a token bucket: this many at once, then evenly spread). @default 3 */
  unknownKidRefetches?: number;
  /** A larger set is refused as an invalid response. @default 100 */
  maxKeys?: number;
  /** Largest body accepted, in bytes. @default 524288 */
  maxBytes?: number;
  /** Told of fetches, refused refetches and stale keys served (the kit's counters and events). */
  observer?: KeyStoreObserver;
}

/** Options of one key lookup. */
export interface GetKeyOptions {
  /**
   * When the shared budget is spent, an unknown kid may still cause one refetch, from a
   * small budget of its own (10 per `cooldown`). For callers that cannot ask again, like the
   * back-channel logout receiver: an OP need not redeliver a refused logout token.
   * @default false
   */
  forceRefetch?: boolean;
}

/** A verification key and its material (see {@link JWKSStore.resolveKey}). */
export interface ResolvedKey {
  key: CryptoKey;
  material: string;
}

/** Verification keys for token headers, from a remote JWKS. */
export interface JWKSStore {
  /**
   * Resolve the verification key for a token header. Throws AuthError('invalid_token') when the
   * kid was looked up and is not in the set, or the key does not fit alg; AuthError('jwks_unavailable')
   * (503, with `retryAfter`) when no key set can be had, or the kid could not be looked up because
   * Logto is down or the refetch budget is spent (never a 401 code for an outage).
   */
  getKey(header: { alg: string; kid: string }, options?: GetKeyOptions): Promise<CryptoKey>;
  /** Like `getKey`, with the key's material (its RFC 7638 members and `alg`), to tie what it verified to it. */
  resolveKey(header: { alg: string; kid: string }, options?: GetKeyOptions): Promise<ResolvedKey>;
  /**
   * Like `resolveKey`, but answers in this tick when nothing needs waiting: the key of a kid in a
   * usable set once imported, or a refusal *thrown* when it is decided without a fetch (a kid
   * looked up in vain, a spent refetch budget, a closed store). For the per-token path; the same
   * checks, the same refusals, the same fetches as `resolveKey`.
   */
  resolveKeyNow(header: { alg: string; kid: string }, options?: GetKeyOptions): ResolvedKey | Promise<ResolvedKey>;
  /** Whether a kid is in the current key set; with `material`, whether it still has that key material. */
  hasKid(kid: string, material?: string): boolean;
  /**
   * The key material of `kid` when the current set is usable (fresh, or stale while a refresh
   * runs) and holds it; `undefined` otherwise. Never waits, never fetches beyond the background
   * refresh a stale set starts, so a caller can answer from memory only what the set still backs.
   */
  usableMaterial(kid: string): string | undefined;
  /** Starts a background refresh when the set is past `cacheTtl` (callers that need no key, like token-cache hits, keep it on schedule). Never waits, never throws. */
  refreshIfDue(): void;
  /** Called with the kids, and kid → key material, after every successful fetch that changed either (the first included). Returns unsubscribe. */
  onKeysChanged(listener: (kids: ReadonlySet<string>, keys: ReadonlyMap<string, string>) => void): () => void;
  /** A snapshot for health checks: freshness, fetch in flight, last error, age, budget. */
  readonly state: JWKSStoreState;
  /** Fetches started (the same as `state.fetchCount`). */
  readonly fetchCount: number;
  /** Removes listeners and aborts a fetch in flight; later `getKey` calls reject with `jwks_unavailable`. */
  close(): void;
}

// Bounds the memory of kids already looked up in vain; forged tokens can name any kid.
const MAX_UNKNOWN_KIDS = 1_000;
const FORCED_REFETCHES = 10;

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
  const { now, cacheTtl, cooldown, staleTtl, observer } = options;
  const refetches = options.unknownKidRefetches ?? 3;
  if (!Number.isInteger(refetches) || refetches < 1) throw new TypeError('logto-authkit: option "unknownKidRefetches" must be a positive integer');
  const loader = createKeySetLoader(options);
  const budget = createRefetchBudget(refetches, cooldown, now);
  const forcedBudget = createRefetchBudget(FORCED_REFETCHES, cooldown, now);
  const lookedUp = createKidMemory(cooldown, MAX_UNKNOWN_KIDS, now);
  const importer = createKeyImporter();
  loader.onChange((keys) => {
    lookedUp.clear();
    importer.retain(keys);
  });

  const freshness = () => keySetFreshness(loader.fetchedAt, now(), cacheTtl, staleTtl);
  const unavailable = (message: string) => refusal('jwks_unavailable', { message, cause: loader.lastError, retryAfter: retrySeconds(loader.retryInMs()) });
  const closed = () => refusal('key_store_closed');
  const unknown = createUnknownKidLookup({ loader, budget, forcedBudget, lookedUp, observer, unavailable, closed });

  function revalidate(): void {
    if (loader.inflight === undefined && loader.retryInMs() === 0) void loader.load();
  }

  function served(keySet: 'fresh' | 'stale', keys: ReadonlyMap<string, KeyEntry>): ReadonlyMap<string, KeyEntry> {
    if (keySet === 'stale') observer?.staleServed(now() - loader.fetchedAt);
    return keys;
  }

  // The key set when it can answer now (fresh, or stale while a refresh runs), else `undefined`.
  function usableKeysNow(): ReadonlyMap<string, KeyEntry> | undefined {
    const before = freshness();
    if (before === 'stale') revalidate();
    if ((before === 'fresh' || before === 'stale') && loader.keys) return served(before, loader.keys);
    return undefined;
  }

  async function awaitUsableKeys(): Promise<ReadonlyMap<string, KeyEntry>> {
    if (loader.inflight === undefined) {
      if (loader.retryInMs() > 0) throw unavailable('the key set is unavailable');
      void loader.load();
    }
    await loader.inflight;
    if (loader.closed) throw closed();
    const after = freshness();
    if ((after === 'fresh' || after === 'stale') && loader.keys) return served(after, loader.keys);
    throw unavailable(loader.keys ? 'the key set is unavailable and the cached one is too old' : 'the key set is unavailable');
  }

  const resolved = (header: { alg: string; kid: string }, entry: KeyEntry): ResolvedKey | Promise<ResolvedKey> => {
    const key = importer.importKeyNow(header.kid, entry, header.alg);
    const { material } = entry;
    return key instanceof Promise ? key.then((ready) => ({ key: ready, material })) : { key, material };
  };

  function resolveFrom(keys: ReadonlyMap<string, KeyEntry>, header: { alg: string; kid: string }, force: boolean): ResolvedKey | Promise<ResolvedKey> {
    const entry = keys.get(header.kid);
    if (entry !== undefined) return resolved(header, entry);
    unknown.start(header.kid, force);
    return unknown.finish(header.kid).then((found) => resolved(header, found));
  }

  function resolveKeyNow(header: { alg: string; kid: string }, lookup: GetKeyOptions = {}): ResolvedKey | Promise<ResolvedKey> {
    if (loader.closed) throw closed();
    if (!options.algorithms.includes(header.alg)) throw refusal('algorithm_not_allowed');
    const force = lookup.forceRefetch === true;
    const keys = usableKeysNow();
    // No usable set yet: the same decisions once it is had (a refusal then rejects the promise).
    return keys === undefined ? awaitUsableKeys().then((had) => resolveFrom(had, header, force)) : resolveFrom(keys, header, force);
  }

  const resolveKey = async (header: { alg: string; kid: string }, lookup?: GetKeyOptions): Promise<ResolvedKey> => resolveKeyNow(header, lookup);
  return {
    resolveKey,
    resolveKeyNow,
    getKey: async (header, lookup) => (await resolveKeyNow(header, lookup)).key,
    hasKid(kid, material) {
      const entry = loader.keys?.get(kid);
      return entry !== undefined && (material === undefined || entry.material === material);
    },
    usableMaterial(kid) {
      if (loader.closed || loader.keys === undefined) return undefined;
      const keySet = freshness();
      if (keySet !== 'fresh' && keySet !== 'stale') return undefined;
      if (keySet === 'stale') revalidate();
      return served(keySet, loader.keys).get(kid)?.material;
    },
    refreshIfDue() {
      if (loader.keys !== undefined && !loader.closed && freshness() !== 'fresh') revalidate();
    },
    onKeysChanged: (listener) => loader.onChange((keys) => listener(new Set(keys.keys()), keys)),
    get state(): JWKSStoreState {
      const keySet = freshness();
      const reloading = loader.inflight !== undefined;
      const retryInMs = loader.retryInMs();
      const status = reloading ? 'reloading' : retryInMs > 0 ? 'cooling_down' : loader.lastError ? 'failed' : keySet === 'none' ? 'empty' : keySet;
      return Object.freeze({
        status,
        keySet,
        usable: keySet === 'fresh' || keySet === 'stale',
        reloading,
        ageMs: loader.keys === undefined ? undefined : now() - loader.fetchedAt,
        lastError: loader.lastError,
        retryInMs,
        unknownKidRefetchesLeft: budget.left,
        fetchCount: loader.fetchCount,
      });
    },
    get fetchCount() {
      return loader.fetchCount;
    },
    close: () => loader.close(),
  };
}
