import { describe, expect, it } from 'vitest';
import { decodeJSONSegment, hasDuplicateKeys } from '../../src/core/decode.js';

const seg = (text: string) => Buffer.from(text).toString('base64url');

describe('decodeJSONSegment', () => {
  it('decodes a JSON object', () => {
    expect(decodeJSONSegment(seg('{"alg":"ES384","n":[1,{"a":2}]}'))).toEqual({ alg: 'ES384', n: [1, { a: 2 }] });
  });
  it.each([
    ['an array', '[1,2]'],
    ['a string', '"x"'],
    ['null', 'null'],
    ['invalid JSON', '{"a":'],
    ['duplicate top-level keys', '{"alg":"ES384","alg":"none"}'],
    ['duplicate keys spelt with escapes', '{"alg":"ES384","\\u0061lg":"none"}'],
    ['duplicate nested keys', '{"a":{"b":1,"b":2}}'],
  ])('refuses %s', (_name, text) => {
    expect(decodeJSONSegment(seg(text))).toBeUndefined();
  });
  it('refuses invalid UTF-8', () => {
    expect(decodeJSONSegment(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url'))).toBeUndefined();
  });
  it('refuses a segment of impossible length', () => {
    expect(decodeJSONSegment('a')).toBeUndefined();
  });
});

describe('hasDuplicateKeys', () => {
  it('allows the same key in sibling objects and in arrays', () => {
    expect(hasDuplicateKeys('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}')).toBe(false);
  });
  it('is not fooled by keys inside string values', () => {
    expect(hasDuplicateKeys('{"a":"\\"a\\":1,","b":"a"}')).toBe(false);
    expect(hasDuplicateKeys('{"a":"x","b":{"c":1},"a":2}')).toBe(true);
  });
});
