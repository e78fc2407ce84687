/**
 * How fresh a key set is, and the store's state as a health check reads it.
 */
import type { JWKSFetchError } from './jwks-fetch.js';

/**
 * `none`: never fetched. `fresh`: younger than `cacheTtl`. `stale`: older, but within
 * `staleTtl`, so it keeps serving while a refresh runs or Logto is down. `expired`: too old to serve.
 */
export type KeySetFreshness = 'none' | 'fresh' | 'stale' | 'expired';

/**
 * The freshness of a set fetched at `fetchedAt` (ms; -Infinity when never).
 *
 * @example
 * ```ts
 * keySetFreshness(fetchedAt, Date.now(), 300_000, 3_600_000) // 'stale' six minutes later
 * ```
 */
export function keySetFreshness(fetchedAt: number, nowMs: number, cacheTtl: number, staleTtl: number): KeySetFreshness {
  if (fetchedAt === Number.NEGATIVE_INFINITY) return 'none';
  const age = nowMs - fetchedAt;
  if (age < cacheTtl) return 'fresh';
  return age <= staleTtl ? 'stale' : 'expired';
}

/**
 * One summary word: `reloading` (a fetch is in flight), `cooling_down` (the last fetch
 * failed; the next waits `retryInMs`), `failed` (the last fetch failed; the next call
 * retries), else the set's freshness: `empty`, `fresh`, `stale` (refreshed on next use)
 * or `expired`.
 */
export type JWKSStoreStatus = 'empty' | 'fresh' | 'stale' | 'expired' | 'reloading' | 'cooling_down' | 'failed';

/** A snapshot of a key store, for health checks and metrics. */
export interface JWKSStoreState {
  readonly status: JWKSStoreStatus;
  /** The freshness of the set held. */
  readonly keySet: KeySetFreshness;
  /** Whether tokens of known kids can be verified now (`keySet` is `fresh` or `stale`). */
  readonly usable: boolean;
  /** A fetch is in flight. */
  readonly reloading: boolean;
  /** Milliseconds since the last successful fetch, or undefined before one. */
  readonly ageMs: number | undefined;
  /** Why the last fetch failed, or undefined after a success. */
  readonly lastError: JWKSFetchError | undefined;
  /** Milliseconds until a fetch may be retried after a failure; 0 when it may. */
  readonly retryInMs: number;
  /** Refetches for unknown kids left in the budget now. */
  readonly unknownKidRefetchesLeft: number;
  /** Fetches started since creation. */
  readonly fetchCount: number;
}
