import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isThenable } from '../../src/core/thenable.js';

describe('isThenable', () => {
  it('sees promises of this realm, of another realm and plain thenables (objects and functions)', () => {
    const foreign = runInNewContext('Promise.resolve(1)') as unknown;
    expect(foreign instanceof Promise).toBe(false);
    const callable = Object.assign(() => undefined, { then: () => undefined });
    for (const value of [Promise.resolve(1), foreign, { then: () => undefined }, callable]) expect(isThenable(value)).toBe(true);
  });

  it('refuses values that only look like one', () => {
    for (const value of [undefined, null, 0, Number.NaN, 'then', { then: 1 }, { then: 'function' }, () => undefined, []]) expect(isThenable(value)).toBe(false);
  });
});
