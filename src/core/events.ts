/**
 * What a kit tells its operators: one typed event per thing that happened
 * (`kit.onEvent`), and counters of them (`kit.stats()`). Events never carry a
 * token or its payload; a revocation names its `sub` and `iss` (an identifier
 * the operator already holds, not a credential) so an audit log can say who
 * was signed out.
 */
import type { AuthErrorCode } from './errors.js';
import type { RefusalReason } from './refusal-reasons.js';
import type { JWKSFetchFailure } from './jwks-fetch.js';

/** Why an unknown `kid` did not cause a refetch: the budget is spent, a failed fetch is cooling down, or the kid was looked up in vain moments ago. */
export type RefetchRefusal = 'budget' | 'cooldown' | 'recently_missing';

/** One token verified: accepted, or refused with its `code` and `reason`. */
export interface VerificationEvent {
  readonly type: 'verification';
  readonly outcome: 'authenticated' | 'refused';
  /** The refusal's code; absent when authenticated. */
  readonly code?: AuthErrorCode;
  /** The check that refused (`AuthError.reason`); absent when authenticated. */
  readonly reason?: RefusalReason;
  /** Answered from the verified-token cache or the refused-signature cache. */
  readonly cacheHit: boolean;
}

/** The key-set fetch lifecycle; one fetch is in flight at a time, so `started` pairs with the next `succeeded` or `failed`. */
export type JWKSFetchEvent =
  | { readonly type: 'jwks.fetch'; readonly phase: 'started' }
  | { readonly type: 'jwks.fetch'; readonly phase: 'succeeded'; readonly durationMs: number; readonly keyCount: number }
  | { readonly type: 'jwks.fetch'; readonly phase: 'failed'; readonly durationMs: number; readonly failure: JWKSFetchFailure };

/** Every event a kit emits, told apart by `type`. */
export type AuthKitEvent =
  | VerificationEvent
  | JWKSFetchEvent
  /** A fetch changed the set's kids or key material (the first fetch included). */
  | { readonly type: 'jwks.keys_changed'; readonly kids: readonly string[] }
  /** A token named a kid not in the set, and no refetch was made for it. */
  | { readonly type: 'jwks.refetch_refused'; readonly cause: RefetchRefusal }
  /** Keys past `jwksCacheTtl` verified a token (a refresh runs or Logto is down). */
  | { readonly type: 'jwks.stale_served'; readonly ageMs: number }
  /** A revocation reached this kit: its own `revoke()` or, through the store, another instance's. */
  | { readonly type: 'revocation.applied'; readonly iss: string; readonly sub: string; readonly before: number }
  /** The revocation store became reachable or unreachable (stores with `onHealthChanged`, like the Redis one). */
  | { readonly type: 'revocation.health_changed'; readonly healthy: boolean };

/** The type of every {@link AuthKitEvent}. */
export type AuthKitEventType = AuthKitEvent['type'];

/** Hears the key store's lifecycle; the kit's implementation counts and emits. */
export interface KeyStoreObserver {
  fetchStarted(): void;
  fetchSucceeded(durationMs: number, keyCount: number): void;
  fetchFailed(durationMs: number, failure: JWKSFetchFailure): void;
  refetchRefused(cause: RefetchRefusal): void;
  staleServed(ageMs: number): void;
}

/** Listeners of one kit. `active` is read before building an event, so a kit without listeners allocates none. */
export interface EventHub {
  readonly active: boolean;
  emit(event: AuthKitEvent): void;
  on(listener: (event: AuthKitEvent) => void): () => void;
  clear(): void;
}

/**
 * Create the listener set of a kit. A listener that throws is ignored: it can
 * never change an outcome nor keep the other listeners from hearing.
 *
 * @example
 * ```ts
 * const hub = createEventHub()
 * if (hub.active) hub.emit({ type: 'jwks.stale_served', ageMs })
 * ```
 */
export function createEventHub(): EventHub {
  const listeners = new Set<(event: AuthKitEvent) => void>();
  return {
    get active() {
      return listeners.size > 0;
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // Telemetry must not turn an accepted token into a refusal, nor a refusal into a 500.
        }
      }
    },
    on(listener) {
      if (typeof listener !== 'function') throw new TypeError('logto-authkit: kit.onEvent() needs a function');
      // One wrapper per subscription, so subscribing the same function twice is undone twice.
      const own = (event: AuthKitEvent): void => listener(event);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
    clear: () => listeners.clear(),
  };
}
