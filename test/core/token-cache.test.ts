import { describe, expect, it } from 'vitest';
import { createTokenCache, estimateEntryBytes, type CachedToken } from '../../src/core/token-cache.js';

const entry = (value: string, o: Partial<Omit<CachedToken<string>, 'value'>> = {}): CachedToken<string> => ({
  value,
  kid: o.kid ?? 'k1',
  sub: o.sub ?? 'u1',
  issuedAtMs: o.issuedAtMs ?? 1_000,
  expiresAtMs: o.expiresAtMs ?? 10_000,
  valueBytes: o.valueBytes ?? 100,
});
const roomy = { maxEntries: 10, maxBytes: 1 << 20 };

describe('token cache', () => {
  it('never serves an entry at or past the token exp', () => {
    const cache = createTokenCache<string>(roomy);
    cache.set('t', entry('v', { expiresAtMs: 5_000 }));
    expect(cache.get('t', 4_999)?.value).toBe('v');
    expect(cache.get('t', 5_000)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
  it('is bounded and evicts the least recently used', () => {
    const cache = createTokenCache<string>({ maxEntries: 2, maxBytes: 1 << 20 });
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    cache.get('a', 0);
    cache.set('c', entry('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)?.value).toBe('a');
  });
  it('drops entries whose kid left the key set', () => {
    const cache = createTokenCache<string>(roomy);
    cache.set('a', entry('a', { kid: 'old' }));
    cache.set('b', entry('b', { kid: 'new' }));
    cache.retainKeys(new Map([['new', 'material']]));
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('b', 0)?.value).toBe('b');
    expect(cache.bytes).toBe(2 * 1 + 100);
  });
  it('drops entries whose kid left the key set or whose key material changed', () => {
    const cache = createTokenCache<string>(roomy);
    cache.set('same', { ...entry('same', { kid: 'k1' }), keyMaterial: 'm1' });
    cache.set('replaced', { ...entry('replaced', { kid: 'k2' }), keyMaterial: 'm2' });
    cache.set('gone', { ...entry('gone', { kid: 'k3' }), keyMaterial: 'm3' });
    cache.set('unrecorded', entry('unrecorded', { kid: 'k2' }));
    cache.retainKeys(new Map([['k1', 'm1'], ['k2', 'm2-new']]));
    expect(['same', 'replaced', 'gone', 'unrecorded'].map((token) => cache.get(token, 0)?.value)).toEqual(['same', undefined, undefined, 'unrecorded']);
  });
  it('drops a revoked subject issued before the revocation only', () => {
    const cache = createTokenCache<string>(roomy);
    cache.set('old', entry('old', { issuedAtMs: 1_000 }));
    cache.set('new', entry('new', { issuedAtMs: 3_000 }));
    cache.set('other', entry('other', { sub: 'u2', issuedAtMs: 1_000 }));
    cache.dropSubject('u1', 2_000);
    expect(cache.get('old', 0)).toBeUndefined();
    expect(cache.get('new', 0)?.value).toBe('new');
    expect(cache.get('other', 0)?.value).toBe('other');
  });
});

describe('token cache byte bound', () => {
  it('counts each entry as two bytes per token character plus its value estimate, and un-counts it on every way out', () => {
    const cache = createTokenCache<string>(roomy);
    cache.set('aaaa', entry('a', { valueBytes: 10 }));
    cache.set('bb', entry('b', { valueBytes: 20, kid: 'gone' }));
    cache.set('cc', entry('c', { valueBytes: 30, sub: 'revoked' }));
    cache.set('dd', entry('d', { valueBytes: 40, expiresAtMs: 5 }));
    expect(cache.bytes).toBe(8 + 10 + (4 + 20) + (4 + 30) + (4 + 40));
    cache.set('aaaa', entry('a2', { valueBytes: 1 }));
    expect(cache.bytes).toBe(8 + 1 + 24 + 34 + 44);
    cache.retainKeys(new Map([['k1', 'material']]));
    cache.dropSubject('revoked', Infinity);
    cache.get('dd', 5);
    expect([cache.size, cache.bytes]).toEqual([1, 9]);
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
  it('evicts least recently used entries until under the byte bound, whatever the count', () => {
    const cache = createTokenCache<string>({ maxEntries: 1_000, maxBytes: 1_000 });
    for (let i = 0; i < 10; i++) cache.set(`t${i}`, entry(`v${i}`, { valueBytes: 246 }));
    // Each entry is 4 + 246 = 250 bytes: four fit.
    expect([cache.size, cache.bytes]).toEqual([4, 1_000]);
    expect(cache.get('t5', 0)).toBeUndefined();
    cache.get('t6', 0);
    cache.set('big', entry('big', { valueBytes: 494 }));
    expect([...['t6', 't7', 't8', 't9', 'big']].map((t) => cache.get(t, 0) !== undefined)).toEqual([true, false, false, true, true]);
    expect(cache.bytes).toBeLessThanOrEqual(1_000);
  });
  it('does not keep an entry larger than the bound, and keeps the others', () => {
    const cache = createTokenCache<string>({ maxEntries: 10, maxBytes: 1_000 });
    cache.set('small', entry('s'));
    cache.set('huge', entry('h', { valueBytes: 1_000 }));
    expect(cache.get('huge', 0)).toBeUndefined();
    expect(cache.get('small', 0)?.value).toBe('s');
    expect(cache.bytes).toBe(10 + 100);
  });
  it('estimates two bytes per character of token and payload plus a fixed overhead', () => {
    expect(estimateEntryBytes(1_000, 500) - estimateEntryBytes(0, 0)).toBe(3_000);
    // The default bound (64 MiB) holds 10,000 typical Logto tokens (~520 characters, payload ~220)...
    expect(10_000 * estimateEntryBytes(520, 220)).toBeLessThan(64 * 1024 * 1024);
    // ...but not 10,000 tokens of 13 KB (payload ~9.5 KB), which would keep 246 MB on V8.
    expect(Math.floor((64 * 1024 * 1024) / estimateEntryBytes(13_000, 9_500))).toBeLessThan(1_500);
  });
});
