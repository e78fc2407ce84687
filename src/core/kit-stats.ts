/**
 * The counters behind `kit.stats()`, kept whether or not anyone listens (an
 * increment allocates nothing), and the one place that turns what the
 * verifier, the key store and the revocation store report into events.
 */
import type { AuthError, AuthErrorCode } from './errors.js';
import type { EventHub, KeyStoreObserver } from './events.js';
import type { JWKSFetchFailure } from './jwks-fetch.js';
import type { JWKSStoreState, JWKSStoreStatus } from './jwks-state.js';
import type { RefusalReason } from './refusal-reasons.js';
import type { Revocation, RevocationStore } from './revocation-store.js';
import type { TokenCacheBounds } from './token-cache.js';

/** Counters and gauges of one kit, for a `/metrics` or health endpoint. A plain object, safe to `JSON.stringify`. */
export interface AuthKitStats {
  readonly verifications: {
    readonly authenticated: number;
    readonly refused: number;
    /** Verifications answered from the verified-token or refused-signature cache. */
    readonly cacheHits: number;
    readonly cacheMisses: number;
    /** `cacheHits / (cacheHits + cacheMisses)`, or 0 before the first verification. */
    readonly cacheHitRate: number;
    /** Refusals per error code. */
    readonly refusedByCode: Readonly<Partial<Record<AuthErrorCode, number>>>;
    /** Refusals per reason (`opaque_token`, `audience_mismatch`, …): what to fix, where a code only says who refused. */
    readonly refusedByReason: Readonly<Partial<Record<RefusalReason, number>>>;
  };
  /** The verified-token cache now, or undefined with `tokenCache: false`. */
  readonly tokenCache: { readonly entries: number; readonly bytes: number; readonly maxEntries: number; readonly maxBytes: number } | undefined;
  readonly jwks: {
    readonly status: JWKSStoreStatus;
    /** Milliseconds since the last successful fetch, or undefined before one. */
    readonly ageMs: number | undefined;
    /** Keys in the set after the last successful fetch. */
    readonly keyCount: number;
    readonly fetches: number;
    readonly fetchFailures: number;
    readonly keysChanged: number;
    readonly refetchesRefused: number;
    readonly staleServed: number;
    /** The last fetch's failure, or undefined after a success. */
    readonly lastError: { readonly failure: JWKSFetchFailure; readonly message: string } | undefined;
  };
  /** Undefined without the `revocation` option. */
  readonly revocation: {
    /** The store's `healthy`, or true for a store that cannot be unreachable (the in-memory one). */
    readonly healthy: boolean;
    /** Revocations applied to this kit's cache (its own and, through the store, other instances'). */
    readonly applied: number;
  } | undefined;
}

/** What the kit feeds its counters and listeners with. */
export interface KitTelemetry extends KeyStoreObserver {
  verified(cacheHit: boolean, error?: AuthError): void;
  keysChanged(kids: ReadonlySet<string>): void;
  revocationApplied(revocation: Revocation): void;
  healthChanged(healthy: boolean): void;
  counters(): Omit<AuthKitStats, 'tokenCache' | 'jwks' | 'revocation'> & {
    jwks: Pick<AuthKitStats['jwks'], 'keyCount' | 'fetchFailures' | 'keysChanged' | 'refetchesRefused' | 'staleServed'>;
    revocationsApplied: number;
  };
}

/**
 * Create the counters of a kit, emitting to `hub` only while it has listeners.
 *
 * @example
 * ```ts
 * const telemetry = createKitTelemetry(createEventHub())
 * telemetry.verified(false, error)
 * ```
 */
export function createKitTelemetry(hub: EventHub): KitTelemetry {
  let authenticated = 0;
  let refused = 0;
  let cacheHits = 0;
  let cacheMisses = 0;
  const refusedByCode: Partial<Record<AuthErrorCode, number>> = {};
  const refusedByReason: Partial<Record<RefusalReason, number>> = {};
  let keyCount = 0;
  let fetchFailures = 0;
  let keysChanged = 0;
  let refetchesRefused = 0;
  let staleServed = 0;
  let revocationsApplied = 0;

  return {
    verified(cacheHit, error) {
      if (cacheHit) cacheHits += 1;
      else cacheMisses += 1;
      if (error === undefined) {
        authenticated += 1;
        if (hub.active) hub.emit({ type: 'verification', outcome: 'authenticated', cacheHit });
        return;
      }
      refused += 1;
      refusedByCode[error.code] = (refusedByCode[error.code] ?? 0) + 1;
      refusedByReason[error.reason] = (refusedByReason[error.reason] ?? 0) + 1;
      if (hub.active) hub.emit({ type: 'verification', outcome: 'refused', code: error.code, reason: error.reason, cacheHit });
    },
    fetchStarted() {
      if (hub.active) hub.emit({ type: 'jwks.fetch', phase: 'started' });
    },
    fetchSucceeded(durationMs, count) {
      keyCount = count;
      if (hub.active) hub.emit({ type: 'jwks.fetch', phase: 'succeeded', durationMs, keyCount: count });
    },
    fetchFailed(durationMs, failure) {
      fetchFailures += 1;
      if (hub.active) hub.emit({ type: 'jwks.fetch', phase: 'failed', durationMs, failure });
    },
    refetchRefused(cause) {
      refetchesRefused += 1;
      if (hub.active) hub.emit({ type: 'jwks.refetch_refused', cause });
    },
    staleServed(ageMs) {
      staleServed += 1;
      if (hub.active) hub.emit({ type: 'jwks.stale_served', ageMs });
    },
    keysChanged(kids) {
      keysChanged += 1;
      if (hub.active) hub.emit({ type: 'jwks.keys_changed', kids: [...kids] });
    },
    revocationApplied({ iss, sub, before }) {
      revocationsApplied += 1;
      if (hub.active) hub.emit({ type: 'revocation.applied', iss, sub, before });
    },
    healthChanged(healthy) {
      if (hub.active) hub.emit({ type: 'revocation.health_changed', healthy });
    },
    counters: () => ({
      verifications: {
        authenticated,
        refused,
        cacheHits,
        cacheMisses,
        cacheHitRate: cacheHits + cacheMisses === 0 ? 0 : cacheHits / (cacheHits + cacheMisses),
        refusedByCode: { ...refusedByCode },
        refusedByReason: { ...refusedByReason },
      },
      jwks: { keyCount, fetchFailures, keysChanged, refetchesRefused, staleServed },
      revocationsApplied,
    }),
  };
}

/** What {@link snapshotStats} reads besides the counters. */
export interface StatsSources {
  jwks: JWKSStoreState;
  cache: { readonly size: number; readonly bytes: number } | undefined;
  tokenCache: TokenCacheBounds | false;
  revocation: RevocationStore | undefined;
}

/**
 * The counters and the gauges read now, as `kit.stats()` returns them.
 *
 * @example
 * ```ts
 * snapshotStats(telemetry, { jwks: store.state, cache, tokenCache: options.tokenCache, revocation: options.revocation })
 * ```
 */
export function snapshotStats(telemetry: KitTelemetry, { jwks, cache, tokenCache, revocation }: StatsSources): AuthKitStats {
  const { verifications, jwks: counted, revocationsApplied } = telemetry.counters();
  return {
    verifications,
    tokenCache: cache && tokenCache ? { entries: cache.size, bytes: cache.bytes, maxEntries: tokenCache.maxEntries, maxBytes: tokenCache.maxBytes } : undefined,
    jwks: {
      status: jwks.status,
      ageMs: jwks.ageMs,
      fetches: jwks.fetchCount,
      ...counted,
      lastError: jwks.lastError && { failure: jwks.lastError.reason, message: jwks.lastError.message },
    },
    // A store without `healthy` (the in-memory one) cannot be unreachable.
    revocation: revocation && { healthy: revocation.healthy ?? true, applied: revocationsApplied },
  };
}
