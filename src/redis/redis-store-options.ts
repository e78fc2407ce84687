import type { RevocationStore, SessionRevocation } from 'logto-authkit';
import type { RedisClientLike } from './redis-client.js';

/** Options of {@link createRedisRevocationStore}. */
export interface RedisRevocationStoreOptions {
  /** A node-redis client (`createClient()` from `redis`), connected or about to be. The store never closes it. */
  client: RedisClientLike;
  /** Prefix of the store's keys and channel. @default 'logto-authkit:' */
  prefix?: string;
  /** Milliseconds an entry lives after its `before` (the longest access-token lifetime accepted). @default 3_900_000 */
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
  getRevokedAt(sub: string): number | undefined;
  getSessionRevokedAt(sid: string): number | undefined;
  revokeSession(session: SessionRevocation): Promise<void>;
  subscribe(listener: (revocation: { sub: string; before: number }) => void): () => void;
  markJti(jti: string, ttlMs: number): Promise<boolean>;
  /** Entries in the local mirror (subjects, sessions, `jti`s recorded locally during an outage). */
  readonly size: number;
  /** Whether the mirror is loaded and kept current by pub/sub right now. */
  readonly healthy: boolean;
  /** Resolves once subscribed and loaded the first time; await it before serving. */
  readonly ready: Promise<void>;
  /** Closes the subscriber connection (not the client) and stops retries. */
  close(): Promise<void>;
}
