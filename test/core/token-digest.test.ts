import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selectTokenDigest } from '../../src/core/token-digest.js';

const token = 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';

describe('selectTokenDigest', () => {
  it('keys a token by its SHA-256 (32 one-byte characters) where the runtime has node:crypto', () => {
    const keyOf = selectTokenDigest();
    expect(keyOf(token)).toBe(createHash('sha256').update(token).digest('binary'));
    expect(keyOf(token)).toHaveLength(32);
  });

  it('tells apart tokens that differ in one byte, at the same length', () => {
    const keyOf = selectTokenDigest();
    const variants = [token, `${token.slice(0, -1)}m`, `${token.slice(0, 25)}X${token.slice(26)}`];
    expect(new Set(variants.map(keyOf)).size).toBe(3);
  });

  it('falls back to createHash, then to the token itself when there is no synchronous SHA-256 (edge, workerd)', () => {
    const viaCreateHash = selectTokenDigest({ createHash: (algorithm) => createHash(algorithm) });
    expect(viaCreateHash(token)).toBe(selectTokenDigest()(token));
    for (const none of [null, {}]) {
      const keyOf = selectTokenDigest(none);
      expect(keyOf(token)).toBe(token);
      expect(keyOf(`${token}x`)).not.toBe(keyOf(token));
    }
  });
});
