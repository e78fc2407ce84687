/** One revocation as stored and published: a subject of an issuer (`sub`) or a session (`sid`). */
export type Entry = { kind: 'sub'; iss: string; id: string; before: number } | { kind: 'sid'; id: string; before: number };

/** One round trip, atomic: keep the later time, drop what has expired, tell every instance. */
export const WRITE_SCRIPT = `redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

const isId = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * The sorted-set member of an entry. A subject is `sub:["<iss>","<sub>"]`: the
 * JSON pair cannot be confused whatever characters either holds.
 *
 * @example
 * ```ts
 * memberOf({ kind: 'sub', iss: 'https://t.logto.app/oidc', id: 'u1', before: 1 }) // 'sub:["https://t.logto.app/oidc","u1"]'
 * ```
 */
export const memberOf = (entry: Entry): string => (entry.kind === 'sub' ? `sub:${JSON.stringify([entry.iss, entry.id])}` : `sid:${entry.id}`);

/**
 * The entry of a stored member, or `undefined` (a member of another version or program).
 *
 * @example
 * ```ts
 * entryOf('sid:s1', 5) // { kind: 'sid', id: 's1', before: 5 }
 * ```
 */
export function entryOf(member: string, before: number): Entry | undefined {
  const rest = member.slice(4);
  if (member.startsWith('sid:')) return isId(rest) ? { kind: 'sid', id: rest, before } : undefined;
  if (!member.startsWith('sub:')) return undefined;
  try {
    const pair: unknown = JSON.parse(rest);
    if (Array.isArray(pair) && pair.length === 2 && isId(pair[0]) && isId(pair[1])) return { kind: 'sub', iss: pair[0], id: pair[1], before };
  } catch {
    // Written by a version that keyed subjects without their issuer: not ours to guess.
  }
  return undefined;
}

/**
 * The entry a pub/sub message carries, or `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseMessage('{"kind":"sub","iss":"https://t.logto.app/oidc","id":"u1","before":1}') // { kind: 'sub', iss: …, id: 'u1', before: 1 }
 * ```
 */
export const parseMessage = (message: string): Entry | undefined => {
  try {
    const { kind, iss, id, before } = JSON.parse(message) as { kind?: unknown; iss?: unknown; id?: unknown; before?: unknown };
    if (!isId(id) || typeof before !== 'number' || !Number.isFinite(before)) return undefined;
    if (kind === 'sub' && isId(iss)) return { kind, iss, id, before };
    if (kind === 'sid') return { kind, id, before };
  } catch {
    // Not ours; other publishers may share the channel name.
  }
  return undefined;
};
