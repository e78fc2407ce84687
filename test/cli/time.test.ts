import { expect, it } from 'vitest';
import { describeDuration } from '../../src/cli/time.js';

it.each([
  [0, '0 s'],
  [42, '42 s'],
  [3_600, '1 h'],
  [3_605, '1 h'],
  [11_520, '3 h 12 min'],
  [3_599, '59 min 59 s'],
  [90_061, '1 d 1 h'],
  [-3, '0 s'],
])('describeDuration(%d) is %s', (seconds, words) => {
  expect(describeDuration(seconds)).toBe(words);
});
