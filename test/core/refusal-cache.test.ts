import { describe, expect, it } from 'vitest';
import { refusal as authRefusal } from '../../src/core/errors.js';
import { createRefusalCache, type RefusedSignature } from '../../src/core/refusal-cache.js';

const material = '{"alg":"ES256","crv":"P-256","kty":"EC","x":"x","y":"y"}';
const refusal = (expiresAtMs = 10_000): RefusedSignature => ({ alg: 'ES256', kid: 'k1', material, error: authRefusal('bad_signature'), expiresAtMs });

describe('refusal cache', () => {
  it('answers for the exact token only, until the refusal expires', () => {
    const cache = createRefusalCache({ maxEntries: 10, maxBytes: 1 << 20 });
    cache.add('aaa.bbb.ccc', refusal(5_000));
    expect(cache.get('aaa.bbb.ccc', 4_999)?.material).toBe(material);
    for (const near of ['aaa.bbb.cc', 'aaa.bbb.cccd', 'aaa.bbb.ccC', ' aaa.bbb.ccc']) expect(cache.get(near, 0)).toBeUndefined();
    expect(cache.get('aaa.bbb.ccc', 5_000)).toBeUndefined();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
  it('does not remember tokens longer than 16,383 characters (V8 hashes those by length alone)', () => {
    const cache = createRefusalCache({ maxEntries: 10, maxBytes: 1 << 20 });
    const longest = `a.b.${'c'.repeat(16_379)}`;
    cache.add(longest, refusal());
    cache.add(`${longest}d`, refusal());
    expect(cache.get(longest, 0)).toBeDefined();
    expect(cache.get(`${longest}d`, 0)).toBeUndefined();
    expect(cache.size).toBe(1);
  });
  it('is bounded by count, oldest out first', () => {
    const cache = createRefusalCache({ maxEntries: 3, maxBytes: 1 << 20 });
    for (const token of ['t1', 't2', 't3', 't4']) cache.add(token, refusal());
    expect(['t1', 't2', 't3', 't4'].map((t) => cache.get(t, 0) !== undefined)).toEqual([false, true, true, true]);
  });
  it('is bounded by bytes (two per key character plus 384 an entry); a token over the bound is not kept', () => {
    const cache = createRefusalCache({ maxEntries: 100, maxBytes: 1_000 });
    const token = (i: number): string => `${i}`.padStart(58, 'x');
    // 2 × 58 + 384 = 500 bytes each: two fit.
    for (let i = 0; i < 5; i++) cache.add(token(i), refusal());
    expect([cache.size, cache.bytes]).toEqual([2, 1_000]);
    expect(cache.get(token(4), 0)).toBeDefined();
    cache.add('y'.repeat(309), refusal());
    expect(cache.get('y'.repeat(309), 0)).toBeUndefined();
    expect(cache.size).toBe(2);
  });
  it('forgets a token on delete and everything on clear', () => {
    const cache = createRefusalCache({ maxEntries: 10, maxBytes: 1 << 20 });
    cache.add('a', refusal());
    cache.add('b', refusal());
    cache.delete('a');
    cache.delete('missing');
    expect([cache.size, cache.bytes]).toEqual([1, 2 + 384]);
    cache.clear();
    expect([cache.size, cache.bytes, cache.get('b', 0)]).toEqual([0, 0, undefined]);
  });
});
