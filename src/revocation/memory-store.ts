import type { Revocation, RevocationStore, SessionRevocation } from '../core/revocation-store.js';

/** Options of {@link createMemoryRevocationStore}. */
export interface MemoryRevocationStoreOptions {
  /**
   * Milliseconds an entry lives after its `before`: the longest access-token
   * lifetime this API accepts. After it, every token it could refuse has
   * expired anyway, so the entry goes and the store never grows without bound.
   * Raise it if your API resource's token TTL in Logto is longer than 1 hour:
   * a kit using this store refuses (`token_too_old`) any token whose lifetime
   * (`exp - iat`, or `maxTokenAge`) plus clock tolerance exceeds it.
   * @default 3_900_000 (Logto's default 3600 s access-token TTL + 5 minutes of clock skew)
   */
  ttl?: number;
  /** Clock in ms (tests). @default Date.now */
  now?: () => number;
}

/** What a store holds that has not expired. */
export interface RevocationSnapshot {
  subjects: Revocation[];
  sessions: SessionRevocation[];
}

/** The in-memory store: synchronous reads, and a snapshot (used by the Redis store's mirror). */
export interface MemoryRevocationStore extends RevocationStore {
  getRevokedAt(sub: string, iss: string): number | undefined;
  getSessionRevokedAt(sid: string): number | undefined;
  revokeSession(session: SessionRevocation): Promise<void>;
  subscribe(listener: (revocation: Revocation) => void): () => void;
  markJti(jti: string, ttlMs: number): Promise<boolean>;
  /** Subjects + sessions + `jti`s currently held (expired ones are swept first: an O(n) read for monitoring, not per request). */
  readonly size: number;
  /** The `ttl` option (ms): the kit refuses tokens that would outlive it. */
  readonly ttl: number;
  /** The unexpired subject and session revocations. */
  snapshot(): RevocationSnapshot;
}

/** Logto's default access-token TTL (3600 s) plus 5 minutes of clock skew. */
export const DEFAULT_REVOCATION_TTL = 3_900_000;
const SWEEP_INTERVAL = 60_000;
/**
 * How far in the future a revocation's `before` may lie (ms). A logout's
 * `before` is at most its receipt plus clock tolerance (≤ 300 s) plus one
 * second; anything later (`before: 1e300`) would lock a user out for good.
 */
export const MAX_REVOCATION_SKEW = 301_000;

const checkId = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value === '') throw new TypeError(`logto-authkit: a revocation needs a non-empty "${name}"`);
  return value;
};
const checkTime = (value: unknown, nowMs: number): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError('logto-authkit: a revocation needs a finite "before" (ms since epoch)');
  if (value > nowMs + MAX_REVOCATION_SKEW) throw new TypeError('logto-authkit: a revocation\'s "before" must not lie more than 301 s in the future');
  return value;
};

/**
 * A revocation store in this process's memory: for a single instance, for
 * tests, and as the local mirror of the Redis store. Reads are synchronous.
 * Revocations are lost on restart; share them across instances with
 * `createRedisRevocationStore` from `logto-authkit/redis`.
 *
 * @example
 * ```ts
 * const revocation = createMemoryRevocationStore()
 * const kit = createAuthKit({ logtoUrl, audience, revocation })
 * await kit.revoke({ sub: 'user-1' }) // every token of user-1 (of the kit's issuer) issued until now is refused
 * ```
 */
export function createMemoryRevocationStore(options: MemoryRevocationStoreOptions = {}): MemoryRevocationStore {
  const ttl = options.ttl ?? DEFAULT_REVOCATION_TTL;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError('logto-authkit: option "ttl" must be a positive integer (ms)');
  const now = options.now ?? Date.now;
  // issuer → subject → before: subject ids are unique per issuer only.
  const subjects = new Map<string, Map<string, number>>();
  const sessions = new Map<string, number>();
  // jti → expiry (ms).
  const jtis = new Map<string, number>();
  const listeners = new Set<(revocation: Revocation) => void>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  const alive = (before: number, at: number): boolean => before + ttl > at;
  const read = (map: Map<string, number>, id: string): number | undefined => {
    const before = map.get(id);
    if (before === undefined) return undefined;
    if (alive(before, now())) return before;
    map.delete(id);
    return undefined;
  };
  const sweep = (force = false): void => {
    const at = now();
    if (!force && at - lastSweep < SWEEP_INTERVAL) return;
    lastSweep = at;
    for (const map of [...subjects.values(), sessions]) for (const [id, before] of map) if (!alive(before, at)) map.delete(id);
    for (const [iss, map] of subjects) if (map.size === 0) subjects.delete(iss);
    for (const [jti, expiresAt] of jtis) if (expiresAt <= at) jtis.delete(jti);
  };
  const subjectsOf = (iss: string): Map<string, number> => {
    let map = subjects.get(iss);
    if (map === undefined) subjects.set(iss, (map = new Map()));
    return map;
  };
  const subjectCount = (): number => {
    let count = 0;
    for (const map of subjects.values()) count += map.size;
    return count;
  };
  // Later revocations win; an older one arriving late (pub/sub, reload) changes nothing.
  const raise = (map: Map<string, number>, id: string, before: number): boolean => {
    sweep();
    const current = read(map, id);
    if ((current !== undefined && current >= before) || !alive(before, now())) return false;
    map.set(id, before);
    return true;
  };

  return {
    ttl,
    getRevokedAt(sub, iss) {
      const map = subjects.get(iss);
      return map === undefined ? undefined : read(map, sub);
    },
    getSessionRevokedAt: (sid) => read(sessions, sid),
    async revoke({ iss, sub, before }) {
      const revocation = { iss: checkId(iss, 'iss'), sub: checkId(sub, 'sub'), before: checkTime(before, now()) };
      // Swept first: a sweep drops issuers left without subjects, the one about to be written included.
      sweep();
      if (!raise(subjectsOf(revocation.iss), revocation.sub, revocation.before)) return;
      for (const listener of listeners) listener(revocation);
    },
    async revokeSession({ sid, before }) {
      raise(sessions, checkId(sid, 'sid'), checkTime(before, now()));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async markJti(jti, ttlMs) {
      sweep();
      const at = now();
      const expiresAt = jtis.get(checkId(jti, 'jti'));
      if (expiresAt !== undefined && expiresAt > at) return false;
      jtis.set(jti, at + ttlMs);
      return true;
    },
    get size() {
      sweep(true);
      return subjectCount() + sessions.size + jtis.size;
    },
    snapshot() {
      sweep(true);
      return {
        subjects: [...subjects].flatMap(([iss, map]) => [...map].map(([sub, before]) => ({ iss, sub, before }))),
        sessions: [...sessions].map(([sid, before]) => ({ sid, before })),
      };
    },
  };
}
