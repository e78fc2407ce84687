import { describe, expect, it } from 'vitest';
import { createVerifiedHeaders } from '../../src/core/verified-headers.js';

const header = (kid: string) => Buffer.from(JSON.stringify({ alg: 'ES384', typ: 'at+jwt', kid })).toString('base64url');
const token = (kid: string) => `${header(kid)}.e30.c2ln`;

describe('createVerifiedHeaders', () => {
  it('knows the headers of verified tokens only, by their exact segment', () => {
    const headers = createVerifiedHeaders();
    expect(headers.mayBeCached(token('k1'))).toBe(false);
    headers.note(token('k1'), { alg: 'ES384', kid: 'k1' });
    expect(headers.mayBeCached(token('k1'))).toBe(true);
    expect(headers.mayBeCached(`${header('k1')}x.e30.c2ln`)).toBe(false);
    expect(headers.mayBeCached(header('k1'))).toBe(false);
    expect(headers.mayBeCached(token('k2'))).toBe(false);
    expect(headers.known.get(header('k1'))).toEqual({ alg: 'ES384', kid: 'k1' });
    expect(Object.isFrozen(headers.known.get(header('k1')))).toBe(true);
  });

  it('tells ten headers apart', () => {
    const headers = createVerifiedHeaders();
    for (let i = 0; i < 10; i++) headers.note(token(`k${i}`), { alg: 'ES384', kid: `k${i}` });
    for (let i = 0; i < 10; i++) expect(headers.mayBeCached(token(`k${i}`))).toBe(true);
    expect(headers.mayBeCached(token('k10'))).toBe(false);
    expect(headers.known.size).toBe(10);
  });

  it('gives up filtering past 64 headers or one over 512 characters: every token may then be cached', () => {
    const many = createVerifiedHeaders();
    for (let i = 0; i < 65; i++) many.note(token(`k${i}`), { alg: 'ES384', kid: `k${i}` });
    expect(many.known.size).toBe(64);
    expect(many.mayBeCached('anything')).toBe(true);
    const long = createVerifiedHeaders();
    long.note(token('k'.repeat(400)), { alg: 'ES384', kid: 'k'.repeat(400) });
    expect(long.known.size).toBe(0);
    expect(long.mayBeCached(token('other'))).toBe(true);
  });
});
