/**
 * The key set as last fetched: one fetch at a time, shared by every caller, a retry
 * after a failure held back for the cooldown (a dead IdP is not hammered), and the
 * subscribers told when the set's kids or key material change.
 */
import { fetchJWKS, JWKSFetchError } from './jwks-fetch.js';
import { keyMaterial, type VerificationJWK } from './jwks-keys.js';
import type { KeyStoreObserver } from './events.js';

/** One published key and its {@link keyMaterial}. */
export interface KeyEntry {
  readonly jwk: VerificationJWK;
  readonly material: string;
}

/** Called with kid → key material after each fetch that changed either. */
export type KeySetListener = (keys: ReadonlyMap<string, string>) => void;

/** Options of {@link createKeySetLoader}. */
export interface KeySetLoaderOptions {
  url: string;
  fetch: typeof fetch;
  now: () => number;
  /** Milliseconds one fetch may take. */
  timeout: number;
  /** Milliseconds after a failed attempt before the next may start. */
  cooldown: number;
  maxKeys?: number;
  maxBytes?: number;
  /** Told when each fetch starts and how it ends. */
  observer?: Pick<KeyStoreObserver, 'fetchStarted' | 'fetchSucceeded' | 'fetchFailed'>;
}

/** The fetched set and the fetch in flight. */
export interface KeySetLoader {
  /** The last set fetched, or undefined before the first success. */
  readonly keys: ReadonlyMap<string, KeyEntry> | undefined;
  /** When the last successful fetch ended (ms), or -Infinity. */
  readonly fetchedAt: number;
  /** The fetch in flight; it never rejects. */
  readonly inflight: Promise<void> | undefined;
  /** Why the last attempt failed, or undefined after a success. */
  readonly lastError: JWKSFetchError | undefined;
  /** Fetches started. */
  readonly fetchCount: number;
  readonly closed: boolean;
  /** Milliseconds until a retry after a failure may start; 0 when it may. */
  retryInMs(): number;
  /** Starts a fetch, or returns the one in flight. */
  load(): Promise<void>;
  /** Subscribes to changes; returns unsubscribe. */
  onChange(listener: KeySetListener): () => void;
  /** Aborts the fetch in flight and drops subscribers. */
  close(): void;
}

function changed(previous: ReadonlyMap<string, KeyEntry> | undefined, next: ReadonlyMap<string, KeyEntry>): boolean {
  if (previous === undefined || previous.size !== next.size) return true;
  for (const [kid, entry] of next) if (previous.get(kid)?.material !== entry.material) return true;
  return false;
}

/**
 * Creates a loader; nothing is fetched until `load()`.
 *
 * @example
 * ```ts
 * const loader = createKeySetLoader({ url, fetch, now: Date.now, timeout: 5_000, cooldown: 30_000 })
 * await loader.load()
 * ```
 */
export function createKeySetLoader(options: KeySetLoaderOptions): KeySetLoader {
  const { now, cooldown, observer } = options;
  const closer = new AbortController();
  const listeners = new Set<KeySetListener>();
  let keys: ReadonlyMap<string, KeyEntry> | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let lastError: JWKSFetchError | undefined;
  let inflight: Promise<void> | undefined;
  let fetchCount = 0;

  function apply(list: readonly VerificationJWK[]): void {
    const next = new Map(list.map((jwk) => [jwk.kid, { jwk, material: keyMaterial(jwk) }] as const));
    const previous = keys;
    keys = next;
    fetchedAt = now();
    lastError = undefined;
    if (!changed(previous, next)) return;
    const materials: ReadonlyMap<string, string> = new Map([...next].map(([kid, entry]) => [kid, entry.material]));
    for (const listener of [...listeners]) {
      try {
        listener(materials);
      } catch {
        // A subscriber's bug must not turn a good key set into an outage.
      }
    }
  }

  function load(): Promise<void> {
    if (inflight) return inflight;
    fetchCount += 1;
    const startedAt = (attemptedAt = now());
    observer?.fetchStarted();
    const attempt = fetchJWKS(options.url, {
      fetch: options.fetch,
      timeout: options.timeout,
      maxBytes: options.maxBytes,
      maxKeys: options.maxKeys,
      signal: closer.signal,
    }).then(
      (list) => {
        observer?.fetchSucceeded(now() - startedAt, list.length);
        apply(list);
      },
      (error: unknown) => {
        lastError = error instanceof JWKSFetchError ? error : new JWKSFetchError('network', 'the key set could not be fetched', error);
        observer?.fetchFailed(now() - startedAt, lastError.reason);
      },
    );
    const settled = attempt.finally(() => {
      inflight = undefined;
    });
    inflight = settled;
    return settled;
  }

  return {
    get keys() {
      return keys;
    },
    get fetchedAt() {
      return fetchedAt;
    },
    get inflight() {
      return inflight;
    },
    get lastError() {
      return lastError;
    },
    get fetchCount() {
      return fetchCount;
    },
    get closed() {
      return closer.signal.aborted;
    },
    retryInMs: () => (lastError === undefined ? 0 : Math.max(0, attemptedAt + cooldown - now())),
    load,
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      listeners.clear();
      closer.abort();
    },
  };
}
