import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import { precheckToken } from '../../src/core/precheck.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const jws = (header: unknown, payload: unknown = { sub: 'u' }, sig = 'c2ln') => `${b64(header)}.${b64(payload)}.${sig}`;
const good = { alg: 'ES384', typ: 'at+jwt', kid: 'k1' };
const options = { maxTokenSize: 16_384, algorithms: ['ES384', 'RS256'] };

function refusal(token: string): AuthError {
  try {
    precheckToken(token, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('token was not refused');
}

describe('precheckToken', () => {
  it('passes a Logto-shaped header and returns header and payload', () => {
    expect(precheckToken(jws(good, { sub: 'u1' }), options)).toEqual({ header: { alg: 'ES384', kid: 'k1' }, payload: { sub: 'u1' } });
    expect(precheckToken(jws({ ...good, typ: 'application/at+jwt' }), options).header.kid).toBe('k1');
    expect(precheckToken(jws({ ...good, typ: 'AT+JWT' }), options).header.alg).toBe('ES384');
  });

  it.each([
    ['alg none', { ...good, alg: 'none' }],
    ['alg None', { ...good, alg: 'None' }],
    ['alg NONE', { ...good, alg: 'NONE' }],
    ['HS256', { ...good, alg: 'HS256' }],
    ['an allowed-by-Logto algorithm not in this allow-list', { ...good, alg: 'PS256' }],
    ['ID token typ JWT', { ...good, typ: 'JWT' }],
    ['ID token without typ', { alg: 'ES384', kid: 'k1' }],
    ['logout token', { ...good, typ: 'logout+jwt' }],
    ['no kid', { alg: 'ES384', typ: 'at+jwt' }],
    ['numeric kid', { ...good, kid: 7 }],
    ['embedded jwk', { ...good, jwk: { kty: 'EC' } }],
    ['jku', { ...good, jku: 'http://127.0.0.1:1/jwks' }],
    ['x5u', { ...good, x5u: 'http://127.0.0.1:1/cert' }],
    ['x5c', { ...good, x5c: ['MII'] }],
    ['duplicate alg in header', '{"alg":"ES384","typ":"at+jwt","kid":"k1","alg":"none"}'],
  ])('refuses %s with invalid_token', (_name, header) => {
    expect(refusal(jws(header)).code).toBe('invalid_token');
  });

  it.each([
    ['empty', ''],
    ['two segments', 'a.b'],
    ['four segments', 'a.b.c.d'],
    ['padding', `${b64(good)}=.${b64({})}.c2ln`],
    ['whitespace', `${b64(good)} .${b64({})}.c2ln`],
    ['standard base64 characters', `${b64(good)}.${b64({})}.c2l+/`],
    ['an opaque token (real Logto, no resource)', 'LcZ6r8bPPl1nkNPSZ-iR6cQ9VU5yBFCZQWJ09VU9t5l'],
    ['a payload that is not JSON', `${b64(good)}.${b64('not json')}.c2ln`],
    ['duplicate keys in the payload', `${b64(good)}.${b64('{"sub":"a","sub":"b"}')}.c2ln`],
  ])('refuses %s', (_name, token) => {
    expect(refusal(token).code).toBe('invalid_token');
  });

  it('refuses a 1 MB token by its size before reading it: the reason is its size, whatever it holds', () => {
    // Were the content read first, these would be refused as malformed (shape, header, charset).
    for (const huge of [jws(good, { sub: 'x'.repeat(1_000_000) }), '!'.repeat(1_000_000), '.'.repeat(1_000_000), `e30.${'\u00e9'.repeat(1_000_000)}.x`]) {
      const error = refusal(huge);
      expect(error.reason).toBe('token_too_large');
      expect(error.message).toMatch(/larger than/);
    }
  });

  it('never puts the token or payload in the message', () => {
    const secret = 'very-secret-subject-value';
    const e = refusal(jws({ ...good, typ: 'JWT' }, { sub: secret }));
    expect(e.message).not.toContain(secret);
    expect(e.wwwAuthenticate).not.toContain(secret);
  });
});

describe('precheckToken: known headers', () => {
  it('takes a known header segment as checked, and still checks the shape and the payload', () => {
    const header = b64(good);
    const knownHeaders = new Map([[header, { alg: 'ES384', kid: 'k1' }]]);
    expect(precheckToken(`${header}.${b64({ sub: 'u' })}.c2ln`, { ...options, knownHeaders })).toEqual({ header: { alg: 'ES384', kid: 'k1' }, payload: { sub: 'u' } });
    expect(() => precheckToken(`${header}.${b64('[1]')}.c2ln`, { ...options, knownHeaders })).toThrow(expect.objectContaining({ reason: 'malformed_payload' }));
    expect(() => precheckToken(`${header}.${b64({ sub: 'u' })}.c2ln!`, { ...options, knownHeaders })).toThrow(expect.objectContaining({ reason: 'malformed_token' }));
    expect(() => precheckToken(`${header}.${b64({ sub: 'u' })}.${'A'.repeat(20_000)}`, { ...options, knownHeaders })).toThrow(expect.objectContaining({ reason: 'token_too_large' }));
    // Another header is decoded and checked as ever.
    expect(() => precheckToken(jws({ ...good, alg: 'none' }), { ...options, knownHeaders })).toThrow(expect.objectContaining({ reason: 'algorithm_not_allowed' }));
  });

  it('makes its refusals with the given maker', () => {
    const made = new AuthError('invalid_token', 'shared');
    expect(() => precheckToken('garbage', { ...options, refuse: () => made })).toThrow(made);
  });
});
