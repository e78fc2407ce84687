/** One revocation as stored and published: a subject (`sub`) or a session (`sid`). */
export interface Entry {
  kind: 'sub' | 'sid';
  id: string;
  before: number;
}

/** One round trip, atomic: keep the later time, drop what has expired, tell every instance. */
export const WRITE_SCRIPT = `redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

/**
 * The entry a pub/sub message carries, or `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseMessage('{"kind":"sub","id":"u1","before":1}') // { kind: 'sub', id: 'u1', before: 1 }
 * ```
 */
export const parseMessage = (message: string): Entry | undefined => {
  try {
    const { kind, id, before } = JSON.parse(message) as Partial<Entry>;
    if ((kind === 'sub' || kind === 'sid') && typeof id === 'string' && id !== '' && typeof before === 'number') return { kind, id, before };
  } catch {
    // Not ours; other publishers may share the channel name.
  }
  return undefined;
};
