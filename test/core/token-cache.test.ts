import { describe, expect, it } from 'vitest';
import { createTokenCache } from '../../src/core/token-cache.js';

const entry = (value: string, o: Partial<{ kid: string; sub: string; issuedAtMs: number; expiresAtMs: number }> = {}) => ({
  value,
  kid: o.kid ?? 'k1',
  sub: o.sub ?? 'u1',
  issuedAtMs: o.issuedAtMs ?? 1_000,
  expiresAtMs: o.expiresAtMs ?? 10_000,
});

describe('token cache', () => {
  it('never serves an entry at or past the token exp', () => {
    const cache = createTokenCache<string>(10);
    cache.set('t', entry('v', { expiresAtMs: 5_000 }));
    expect(cache.get('t', 4_999)?.value).toBe('v');
    expect(cache.get('t', 5_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
  it('is bounded and evicts the least recently used', () => {
    const cache = createTokenCache<string>(2);
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    cache.get('a', 0);
    cache.set('c', entry('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)?.value).toBe('a');
  });
  it('drops entries whose kid left the key set', () => {
    const cache = createTokenCache<string>(10);
    cache.set('a', entry('a', { kid: 'old' }));
    cache.set('b', entry('b', { kid: 'new' }));
    cache.retainKids(new Set(['new']));
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('b', 0)?.value).toBe('b');
  });
  it('drops entries whose kid left the key set or whose key material changed', () => {
    const cache = createTokenCache<string>(10);
    cache.set('same', { ...entry('same', { kid: 'k1' }), keyMaterial: 'm1' });
    cache.set('replaced', { ...entry('replaced', { kid: 'k2' }), keyMaterial: 'm2' });
    cache.set('gone', { ...entry('gone', { kid: 'k3' }), keyMaterial: 'm3' });
    cache.set('unrecorded', entry('unrecorded', { kid: 'k2' }));
    cache.retainKeys(new Map([['k1', 'm1'], ['k2', 'm2-new']]));
    expect(['same', 'replaced', 'gone', 'unrecorded'].map((token) => cache.get(token, 0)?.value)).toEqual(['same', undefined, undefined, 'unrecorded']);
  });
  it('drops a revoked subject issued before the revocation only', () => {
    const cache = createTokenCache<string>(10);
    cache.set('old', entry('old', { issuedAtMs: 1_000 }));
    cache.set('new', entry('new', { issuedAtMs: 3_000 }));
    cache.set('other', entry('other', { sub: 'u2', issuedAtMs: 1_000 }));
    cache.dropSubject('u1', 2_000);
    expect(cache.get('old', 0)).toBeUndefined();
    expect(cache.get('new', 0)?.value).toBe('new');
    expect(cache.get('other', 0)?.value).toBe('other');
  });
});
