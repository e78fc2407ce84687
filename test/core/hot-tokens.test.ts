import { describe, expect, it } from 'vitest';
import { verifiedPayload, type VerifiedPayload } from '../../src/core/build-context.js';
import { createHotTokens } from '../../src/core/hot-tokens.js';
import type { CachedToken } from '../../src/core/token-cache.js';

const entry = (sub: string): CachedToken<VerifiedPayload<Record<string, unknown>>> => ({
  value: verifiedPayload<Record<string, unknown>>({ sub, exp: 2_000_000_000 }, { sub }, ['read']),
  kid: 'k1',
  sub,
  issuedAtMs: 0,
  expiresAtMs: 2_000_000_000_000,
  valueBytes: 0,
});

describe('hot tokens', () => {
  it('answers by exact string with the context remember() built, bounded by size, oldest out first', () => {
    const hot = createHotTokens<Record<string, unknown>>(2);
    const a = hot.remember('t.a.x', entry('a'));
    expect(a.userId).toBe('a');
    expect(hot.get('t.a.x')?.auth).toBe(a);
    expect(hot.get('t.a.X')).toBeUndefined();
    hot.remember('t.b.x', entry('b'));
    hot.remember('t.c.x', entry('c'));
    expect(['t.a.x', 't.b.x', 't.c.x'].map((token) => hot.get(token)?.auth.userId)).toEqual([undefined, 'b', 'c']);
  });

  it('forgets every token on clear()', () => {
    const hot = createHotTokens<Record<string, unknown>>(4);
    hot.remember('t.a.x', entry('a'));
    hot.clear();
    expect(hot.get('t.a.x')).toBeUndefined();
  });
});
