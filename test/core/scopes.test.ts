import { describe, expect, it } from 'vitest';
import { hasAnyScope, missingScopes, parseScopes } from '../../src/core/scopes.js';

describe('scopes', () => {
  it('parses the space-separated claim; absent and "" mean none (Logto facts)', () => {
    expect(parseScopes('read:posts write:posts')).toEqual(['read:posts', 'write:posts']);
    expect(parseScopes(undefined)).toEqual([]);
    expect(parseScopes('')).toEqual([]);
    expect(parseScopes(42)).toEqual([]);
  });
  it('regression: seed matched scopes as substrings', () => {
    expect(missingScopes(['read:all'], ['read'])).toEqual(['read']);
    expect(missingScopes(['read:posts'], ['read:post'])).toEqual(['read:post']);
    expect(missingScopes(['xread'], ['read'])).toEqual(['read']);
    expect(missingScopes(['read', 'write'], ['read', 'write'])).toEqual([]);
  });
  it('any-of', () => {
    expect(hasAnyScope(['a'], ['b', 'a'])).toBe(true);
    expect(hasAnyScope(['a:b'], ['a'])).toBe(false);
    expect(hasAnyScope([], [])).toBe(true);
  });
});
