import { describe, expect, it } from 'vitest';
import { definePolicy } from '../../src/core/policies.js';
import { parseRequirement } from '../../src/core/requirement.js';

const express = (input: unknown) => parseRequirement(input, { entry: 'logto-authkit/express', name: 'requireAuth' });
const trpc = (input: unknown) => parseRequirement(input, { entry: 'logto-authkit/trpc', name: 'requireAuth', organization: 'resolver' });

describe('parseRequirement', () => {
  it('normalises a valid requirement into a frozen one with defaults', () => {
    const policy = definePolicy('p', () => true);
    const requirement = express({ scopes: ['write:posts', 'write:posts'], policy, organization: 'org-a' });
    expect(requirement).toEqual({ scopes: ['write:posts'], scopeAlternatives: [], anyScopes: [], allowGuest: false, policy, organization: 'org-a' });
    expect(Object.isFrozen(requirement)).toBe(true);
    expect(express(undefined)).toEqual({ scopes: [], scopeAlternatives: [], anyScopes: [], allowGuest: false, policy: undefined, organization: undefined });
  });

  it.each([
    ['a string for scopes', { scopes: 'write:posts' }, /logto-authkit\/express: requireAuth option "scopes" must be an array of scope names/],
    ['a scope with a space', { scopes: ['a b'] }, /option "scopes"/],
    ['an empty scope name', { anyScopes: [''] }, /option "anyScopes"/],
    ['a quote in a scope (RFC 6749 §3.3)', { scopes: ['a"b'] }, /option "scopes"/],
    ['a non-boolean allowGuest', { allowGuest: 'yes' }, /option "allowGuest" must be a boolean/],
    ['a policy that is a name', { policy: 'isOwner' }, /option "policy" must be a Policy from definePolicy\(\)/],
    ['an empty organization', { organization: '' }, /option "organization" must be an organization id or a function/],
    ['a numeric organization', { organization: 42 }, /option "organization"/],
    ['organization with allowGuest', { organization: 'o', allowGuest: true }, /"organization" and "allowGuest" exclude each other/],
    ['an unknown option', { scope: ['a'] }, /logto-authkit\/express: unknown requireAuth option "scope"/],
    ['not an object', 'write:posts', /requireAuth expects an options object/],
    ['an array', [], /requireAuth expects an options object/],
    ['a mix of scope names and sets', { scopes: ['admin', ['read:a']] }, /option "scopes" must be an array of scope names .* or an array of such arrays/],
    ['a set with a space in a scope', { scopes: [['read:a'], ['a b']] }, /option "scopes" must be/],
    ['an empty set of scopes (it would admit anyone)', { scopes: [['read:a'], []] }, /option "scopes" has an empty set of scopes, which would admit any caller/],
  ])('refuses %s with a TypeError naming the adapter and option', (_name, input, message) => {
    expect(() => express(input)).toThrow(TypeError);
    expect(() => express(input)).toThrow(message);
  });

  it('reads a list of scope sets as one of them in full (Apollo\'s @requiresScopes form); a single set is a flat list', () => {
    expect(express({ scopes: [['read:a', 'read:b', 'read:a'], ['admin']] })).toMatchObject({ scopes: [], scopeAlternatives: [['read:a', 'read:b'], ['admin']] });
    expect(express({ scopes: [['read:a', 'read:b']] })).toMatchObject({ scopes: ['read:a', 'read:b'], scopeAlternatives: [] });
    expect(Object.isFrozen(express({ scopes: [['a'], ['b']] }).scopeAlternatives[0])).toBe(true);
  });

  it('tRPC takes only a resolver for organization', () => {
    expect(() => trpc({ organization: 'o' })).toThrow(/logto-authkit\/trpc: requireAuth option "organization" must be a function/);
    expect(() => trpc({ organization: () => 'o' })).not.toThrow();
  });
});
