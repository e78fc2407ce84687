import { describe, expect, it } from 'vitest';
import { createKidMemory, createRefetchBudget } from '../../src/core/jwks-budget.js';
import { manualClock } from '../helpers/jwks-test-server.js';

describe('createRefetchBudget', () => {
  it('gives its capacity at once, then one refetch per window / capacity', () => {
    const clock = manualClock();
    const budget = createRefetchBudget(3, 30_000, clock.now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    expect([budget.left, budget.waitMs()]).toEqual([0, 10_000]);
    clock.advance(9_999);
    expect([budget.take(), budget.waitMs()]).toEqual([false, 1]);
    clock.advance(1);
    expect([budget.take(), budget.take()]).toEqual([true, false]);
  });

  it('never holds more than its capacity, however long it rests', () => {
    const clock = manualClock();
    const budget = createRefetchBudget(3, 30_000, clock.now);
    clock.advance(10 * 30_000);
    expect(budget.left).toBe(3);
    let taken = 0;
    while (budget.take()) taken += 1;
    expect(taken).toBe(3);
  });

  it('a clock that goes back refills nothing', () => {
    const clock = manualClock();
    const budget = createRefetchBudget(1, 30_000, clock.now);
    expect(budget.take()).toBe(true);
    clock.advance(-60_000);
    expect(budget.take()).toBe(false);
    clock.advance(60_000 + 29_999);
    expect(budget.take()).toBe(false);
  });

  it('a zero window never runs dry', () => {
    const budget = createRefetchBudget(2, 0, () => 0);
    expect(Array.from({ length: 10 }, () => budget.take()).every(Boolean)).toBe(true);
    expect([budget.left, budget.waitMs()]).toEqual([2, 0]);
  });
});

describe('createKidMemory', () => {
  it('remembers a kid for its ttl only', () => {
    const clock = manualClock();
    const memory = createKidMemory(30_000, 10, clock.now);
    memory.add('ghost');
    clock.advance(29_999);
    expect(memory.has('ghost')).toBe(true);
    clock.advance(1);
    expect(memory.has('ghost')).toBe(false);
  });

  it('forgets the oldest past its bound, and everything on clear', () => {
    const memory = createKidMemory(30_000, 2, () => 0);
    for (const kid of ['a', 'b', 'c']) memory.add(kid);
    expect(['a', 'b', 'c'].map((kid) => memory.has(kid))).toEqual([false, true, true]);
    memory.clear();
    expect(memory.has('c')).toBe(false);
  });
});
