import type { Revocation, RevocationStore, SessionRevocation } from 'logto-authkit';
import type { RedisClientLike } from './redis-client.js';

/** Options of {@link createRedisRevocationStore}. */
export interface RedisRevocationStoreOptions {
  /** A node-redis client (`createClient()` from `redis`), connected or about to be. The store never closes it. */
  client: RedisClientLike;
  /** Prefix of the store's keys and channel. @default 'logto-authkit:' */
  prefix?: string;
  /**
   * Milliseconds an entry lives after its `before`: the longest access-token
   * lifetime accepted. A kit using the store refuses (`token_too_old`) tokens
   * that would outlive it. @default 3_900_000
   */
  ttl?: number;
  /**
   * While Redis is unreachable: `'allow'` answers from this instance's mirror
   * (every revocation known before the outage, and those received here
   * during it); `'deny'` refuses every token with `revocation_unavailable`
   * (503, never a 401) and answers Logto's logout POSTs with 503.
   * @default 'allow'
   */
  onStoreError?: 'allow' | 'deny';
  /** Milliseconds one Redis command may take. @default 1000 */
  commandTimeout?: number;
  /**
   * Milliseconds between PINGs (each with `commandTimeout`). A Redis that hangs
   * (stopped, a dead peer behind a live TCP connection) raises no error and
   * publishes nothing; without a PING the mirror would silently go stale.
   * A PING that fails or times out marks the store unhealthy.
   * @default 2000
   */
  heartbeatInterval?: number;
  /** Milliseconds between attempts to reload after a failure. @default 250 */
  retryDelay?: number;
  /** Told of every Redis failure. @default a console.warn at the start of each outage */
  onError?: (error: unknown) => void;
  /** Clock in ms (tests). @default Date.now */
  now?: () => number;
}

/** A revocation store shared through Redis, answering from a local mirror. */
export interface RedisRevocationStore extends RevocationStore {
  /** Synchronous: read from the mirror. Throws `AuthError('revocation_unavailable')` during an outage with `onStoreError: 'deny'`. */
  getRevokedAt(sub: string, iss: string): number | undefined;
  getSessionRevokedAt(sid: string): number | undefined;
  revokeSession(session: SessionRevocation): Promise<void>;
  subscribe(listener: (revocation: Revocation) => void): () => void;
  markJti(jti: string, ttlMs: number): Promise<boolean>;
  /** Entries in the local mirror (subjects, sessions, `jti`s recorded locally during an outage). */
  readonly size: number;
  /** `ttl`, for the kit's check that no token outlives its revocation. */
  readonly ttl: number;
  /**
   * Whether the mirror is loaded and kept current right now: false until the
   * first load, after any failed command or heartbeat, until reloaded.
   */
  readonly healthy: boolean;
  /** Be told each time `healthy` flips (the kit turns it into a `revocation.health_changed` event). Returns an unsubscribe function. */
  onHealthChanged(listener: (healthy: boolean) => void): () => void;
  /**
   * Resolves once subscribed and loaded the first time. An instance started
   * while Redis is down stays pending (and `healthy` false) until Redis is
   * back; with `'allow'` it meanwhile answers from an empty mirror, so await
   * it (or gate readiness on it) before taking traffic.
   */
  readonly ready: Promise<void>;
  /** Closes the subscriber connection (not the client) and stops retries. */
  close(): Promise<void>;
}
