import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import { extractTokens, type ExtractOptions } from '../../src/core/extract.js';
import { toRequestView } from '../../src/core/request.js';

const defaults: ExtractOptions = { cookieName: 'logto_authtoken', tokenSources: ['cookie', 'header'] };
const JWT = 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';

const extract = (headers: Record<string, string | string[]>, options: ExtractOptions = defaults) =>
  extractTokens(toRequestView({ headers }), options);

describe('extractTokens: sources and order', () => {
  it('lists the cookie first, then the header, by default', () => {
    const result = extract({ cookie: 'logto_authtoken=from-cookie', authorization: 'Bearer from-header' });
    expect(result.candidates).toEqual([
      { token: 'from-cookie', source: 'cookie' },
      { token: 'from-header', source: 'header' },
    ]);
    expect(result.malformed).toBeUndefined();
  });

  it("follows tokenSources ['header', 'cookie']", () => {
    const result = extract(
      { cookie: 'logto_authtoken=from-cookie', authorization: 'Bearer from-header' },
      { cookieName: 'logto_authtoken', tokenSources: ['header', 'cookie'] },
    );
    expect(result.candidates.map((c) => c.source)).toEqual(['header', 'cookie']);
  });

  it('reads only the configured sources', () => {
    const headers = { cookie: 'logto_authtoken=c', authorization: 'Bearer h' };
    expect(extract(headers, { cookieName: 'logto_authtoken', tokenSources: ['cookie'] }).candidates).toEqual([{ token: 'c', source: 'cookie' }]);
    expect(extract(headers, { cookieName: 'logto_authtoken', tokenSources: ['header'] }).candidates).toEqual([{ token: 'h', source: 'header' }]);
  });

  it('does not judge an Authorization header it was not asked to read', () => {
    const result = extract({ authorization: 'Bearer a b' }, { cookieName: 'logto_authtoken', tokenSources: ['cookie'] });
    expect(result).toEqual({ candidates: [] });
  });

  it('uses the configured cookie name', () => {
    const result = extract({ cookie: 'logto_authtoken=a; my_token=b' }, { cookieName: 'my_token', tokenSources: ['cookie'] });
    expect(result.candidates).toEqual([{ token: 'b', source: 'cookie' }]);
  });

  it('keeps an identical token only once (the first source)', () => {
    const result = extract({ cookie: `logto_authtoken=${JWT}`, authorization: `Bearer ${JWT}` });
    expect(result.candidates).toEqual([{ token: JWT, source: 'cookie' }]);
  });

  it('ignores an empty cookie and unquotes a quoted one (RFC 6265 §4.1.1)', () => {
    expect(extract({ cookie: 'logto_authtoken=' }).candidates).toEqual([]);
    expect(extract({ cookie: 'logto_authtoken=""' }).candidates).toEqual([]);
    expect(extract({ cookie: `logto_authtoken="${JWT}"` }).candidates).toEqual([{ token: JWT, source: 'cookie' }]);
  });

  it('reads pre-parsed cookies', () => {
    const result = extractTokens(toRequestView({ headers: {}, cookies: { logto_authtoken: JWT } }), defaults);
    expect(result.candidates).toEqual([{ token: JWT, source: 'cookie' }]);
  });

  it('returns nothing for a request without tokens', () => {
    expect(extract({})).toEqual({ candidates: [] });
  });
});

describe('extractTokens: raw token input', () => {
  it('gives one header candidate whatever tokenSources says', () => {
    const result = extractTokens(toRequestView(JWT), { cookieName: 'logto_authtoken', tokenSources: ['cookie'] });
    expect(result).toEqual({ candidates: [{ token: JWT, source: 'header' }] });
  });

  it('gives no candidate for an empty string', () => {
    expect(extractTokens(toRequestView(''), defaults)).toEqual({ candidates: [] });
  });
});

describe('extractTokens: Authorization header (RFC 6750 §2.1)', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'BeArEr'])('accepts the scheme spelled %s', (scheme) => {
    expect(extract({ authorization: `${scheme} ${JWT}` }).candidates).toEqual([{ token: JWT, source: 'header' }]);
  });

  it.each(['abc', 'a-b.c_d~e+f/g', 'abc=', 'abc==', JWT])('accepts the b64token %s', (token) => {
    expect(extract({ authorization: `Bearer ${token}` }).candidates).toEqual([{ token, source: 'header' }]);
  });

  it('tolerates more than one space after the scheme (1*SP) and surrounding whitespace', () => {
    expect(extract({ authorization: `  Bearer   ${JWT} ` }).candidates).toEqual([{ token: JWT, source: 'header' }]);
  });

  it.each(['Basic dXNlcjpwYXNz', 'DPoP abc', 'Token abc', 'Bearerabc'])('ignores another scheme: %s', (value) => {
    expect(extract({ authorization: value })).toEqual({ candidates: [] });
  });

  it('treats an empty Authorization header as absent', () => {
    expect(extract({ authorization: '' })).toEqual({ candidates: [] });
  });

  it.each([
    ['Bearer without a token', 'Bearer'],
    ['Bearer and spaces', 'Bearer   '],
    ['two tokens', 'Bearer a b'],
    ['Fetch-merged duplicates', 'Bearer a, Bearer b'],
    ['a comma', 'Bearer a,b'],
    ['padding in the middle', 'Bearer a=b'],
    ['a tab separator', 'Bearer\tabc'],
    ['quotes', 'Bearer "abc"'],
  ])('reports %s as malformed', (_name, value) => {
    const result = extract({ authorization: value });
    expect(result.candidates).toEqual([]);
    expect(result.malformed).toBeInstanceOf(AuthError);
    expect(result.malformed?.code).toBe('invalid_request');
    expect(result.malformed?.status).toBe(400);
  });

  it('reports two Authorization headers as malformed, even when each is well-formed', () => {
    const result = extract({ authorization: [`Bearer ${JWT}`, 'Bearer other'] });
    expect(result.candidates).toEqual([]);
    expect(result.malformed?.code).toBe('invalid_request');
  });

  it('keeps the cookie candidate next to a malformed header', () => {
    const result = extract({ cookie: `logto_authtoken=${JWT}`, authorization: 'Bearer a b' });
    expect(result.candidates).toEqual([{ token: JWT, source: 'cookie' }]);
    expect(result.malformed?.code).toBe('invalid_request');
  });

  it('never puts the presented value in the error', () => {
    const result = extract({ authorization: `Bearer ${JWT} secret-part` });
    expect(result.malformed?.message).not.toContain(JWT);
    expect(result.malformed?.message).not.toContain('secret-part');
    expect(result.malformed?.wwwAuthenticate ?? '').not.toContain('secret-part');
  });
});
