import { describe, expect, it } from 'vitest';
import { authenticatedContext, deepFreeze } from '../../src/core/build-context.js';

describe('deepFreeze', () => {
  it('freezes every nested array and plain object', () => {
    const value = deepFreeze({ roles: ['user'], profile: { tier: 'free', tags: [{ a: 1 }] }, bare: Object.create(null) as object });
    for (const part of [value, value.roles, value.profile, value.profile.tags, value.profile.tags[0], value.bare]) expect(Object.isFrozen(part)).toBe(true);
    expect(() => value.roles.push('admin')).toThrow(TypeError);
    expect(value.roles).toEqual(['user']);
  });
  it('leaves class instances alone (they may be the application’s own) and ends on cycles', () => {
    const shared = new Map([['k', 'v']]);
    const date = new Date(0);
    const cyclic: Record<string, unknown> = { shared, date };
    cyclic.self = cyclic;
    deepFreeze(cyclic);
    expect([Object.isFrozen(cyclic), Object.isFrozen(shared), Object.isFrozen(date)]).toEqual([true, false, false]);
  });
  it('handles a payload nested 100,000 arrays deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown[];
    deepFreeze(deep);
    let inner: unknown = deep;
    for (let i = 0; i < 99_999; i++) inner = (inner as unknown[])[0];
    expect(Object.isFrozen(inner)).toBe(true);
  });
});

describe('authenticatedContext', () => {
  it('freezes the payload and a schema output in depth', () => {
    const payload = { sub: 'u1', exp: 2_000_000_000, roles: ['user'] };
    const claims = { roles: ['user'], nested: { x: 1 } };
    const auth = authenticatedContext('t', payload, claims, []);
    expect(() => (auth.payload.roles as string[]).push('admin')).toThrow(TypeError);
    expect(() => {
      (auth.claims.nested as { x: number }).x = 2;
    }).toThrow(TypeError);
    expect([auth.payload, auth.claims]).toEqual([{ sub: 'u1', exp: 2_000_000_000, roles: ['user'] }, { roles: ['user'], nested: { x: 1 } }]);
  });
});
