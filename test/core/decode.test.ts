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

describe('hasDuplicateKeys: colons against parsed members', () => {
  it.each([
    ['a colon inside a string value', '{"a":"x:y","b":"::"}', false],
    ['an escaped quote then a colon in a string', '{"a":"\\":","b":1}', false],
    ['a string ending in an escaped backslash', '{"a":"x\\\\","b":":"}', false],
    ['a colon in a key', '{"a:b":1,"a":2}', false],
    ['duplicates inside an array of objects', '{"c":[{"x":1,"x":2}]}', true],
    ['a duplicate __proto__', '{"__proto__":1,"__proto__":2}', true],
    ['a duplicate under a discarded duplicate', '{"a":{"b":1,"b":2},"a":1}', true],
    ['an empty object and array', '{"a":{},"b":[]}', false],
  ])('%s', (_name, text, expected) => {
    expect(hasDuplicateKeys(text)).toBe(expected);
    expect(hasDuplicateKeys(text, JSON.parse(text))).toBe(expected);
  });
  it('is not fooled by an enumerable property on Object.prototype', () => {
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true, writable: true });
    let found: boolean;
    try {
      found = hasDuplicateKeys('{"a":1,"b":{"c":2}}');
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    expect(found).toBe(false);
  });
  it('survives nesting as deep as a token may be', () => {
    const deep = `{"a":${'['.repeat(8_000)}${']'.repeat(8_000)}}`;
    expect(hasDuplicateKeys(deep)).toBe(false);
  });
});
