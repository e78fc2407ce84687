import { describe, expect, it } from 'vitest';
import { definePolicy } from '../../src/core/policies.js';
import { parseRequirement } from '../../src/core/requirement.js';

const express = (input: unknown) => parseRequirement(input, { entry: 'logto-authkit/express', name: 'requireAuth' });
const trpc = (input: unknown) => parseRequirement(input, { entry: 'logto-authkit/trpc', name: 'requireAuth', organization: 'resolver' });

describe('parseRequirement', () => {
  it('normalises a valid requirement into a frozen one with defaults', () => {
    const policy = definePolicy('p', () => true);
    const requirement = express({ scopes: ['write:posts', 'write:posts'], policy, organization: 'org-a' });
    expect(requirement).toEqual({ scopes: ['write:posts'], anyScopes: [], allowGuest: false, policy, organization: 'org-a' });
    expect(Object.isFrozen(requirement)).toBe(true);
    expect(express(undefined)).toEqual({ scopes: [], anyScopes: [], allowGuest: false, policy: undefined, organization: undefined });
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
  ])('refuses %s with a TypeError naming the adapter and option', (_name, input, message) => {
    expect(() => express(input)).toThrow(TypeError);
    expect(() => express(input)).toThrow(message);
  });

  it('tRPC takes only a resolver for organization', () => {
    expect(() => trpc({ organization: 'o' })).toThrow(/logto-authkit\/trpc: requireAuth option "organization" must be a function/);
    expect(() => trpc({ organization: () => 'o' })).not.toThrow();
  });
});
