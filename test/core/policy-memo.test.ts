import { describe, expect, it } from 'vitest';
import { authenticatedContext } from '../../src/core/build-context.js';
import { definePolicy } from '../../src/core/policies.js';
import { createPolicyMemo } from '../../src/core/policy-memo.js';

const exp = Math.floor(Date.now() / 1000) + 3600;
const user = (sub: string) => {
  const p = { sub, client_id: 'c', exp };
  return authenticatedContext('t', p, p, []);
};

describe('createPolicyMemo', () => {
  it('runs a rule once per caller and arguments within one memo, again in a new one', async () => {
    let runs = 0;
    const isOwner = definePolicy('isOwner', (auth, _ctx, args: { id: string }) => (runs++, auth.userId === args.id));
    const memo = createPolicyMemo();
    expect(await memo.check(isOwner, user('a'), {}, { id: 'a' })).toBe(true);
    expect(await memo.check(isOwner, user('a'), {}, { id: 'a' })).toBe(true);
    expect(await memo.check(isOwner, user('b'), {}, { id: 'a' })).toBe(false);
    expect(runs).toBe(2);
    expect(await createPolicyMemo().check(isOwner, user('a'), {}, { id: 'a' })).toBe(true);
    expect(runs).toBe(3);
  });

  it('keys by the policy object: two policies with one name never share a result', async () => {
    const yes = definePolicy('p', () => true);
    const no = definePolicy('p', () => false);
    const memo = createPolicyMemo();
    expect(await memo.check(yes, user('a'), {}, {})).toBe(true);
    expect(await memo.check(no, user('a'), {}, {})).toBe(false);
  });

  it('is capped: past maxEntries rules run unmemoised and the memo stops growing', async () => {
    let runs = 0;
    const p = definePolicy('p', () => (runs++, true));
    const memo = createPolicyMemo({ maxEntries: 3 });
    for (let i = 0; i < 30_000; i++) await memo.check(p, user('a'), {}, { i });
    expect(memo.size).toBe(3);
    await memo.check(p, user('a'), {}, { i: 0 }); // held
    await memo.check(p, user('a'), {}, { i: 10 }); // not held: runs again
    expect(runs).toBe(30_001);
  });

  it('does not memoise arguments it cannot serialise, and rejects when the rule throws', async () => {
    let runs = 0;
    const p = definePolicy('p', () => (runs++, true));
    const memo = createPolicyMemo();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await memo.check(p, user('a'), {}, cyclic);
    await memo.check(p, user('a'), {}, cyclic);
    expect(runs).toBe(2);
    const down = definePolicy('down', () => {
      throw new Error('database down');
    });
    await expect(memo.check(down, user('a'), {}, {})).rejects.toThrow('database down');
  });

  it('refuses a bad maxEntries', () => {
    expect(() => createPolicyMemo({ maxEntries: -1 })).toThrow(/"maxEntries"/);
    expect(() => createPolicyMemo({ maxEntries: 1.5 })).toThrow(/"maxEntries"/);
  });
});
