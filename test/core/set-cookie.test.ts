import { parseCookie as parse, parseSetCookie } from 'cookie';
import { SignJWT, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAuthCookieHeader, buildGuestCookieHeader, MAX_COOKIE_AGE } from '../../src/core/set-cookie.js';
import { toRequestView } from '../../src/core/request.js';

let jwt: string;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES384');
  jwt = await new SignJWT({ scope: 'read:posts', client_id: 'app' })
    .setProtectedHeader({ alg: 'ES384', typ: 'at+jwt', kid: 'k1' })
    .setSubject('user-1')
    .setIssuer('https://tenant.logto.app/oidc')
    .setAudience('https://api.example.com')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
});

/** The value part of a Set-Cookie header as a browser would send it back in `Cookie`. */
const cookiePair = (setCookie: string): string => setCookie.split(';')[0] ?? '';

describe('buildAuthCookieHeader', () => {
  it('writes HttpOnly, Secure, SameSite=Lax and Path=/ by default', () => {
    expect(buildAuthCookieHeader('abc.def.ghi')).toBe('logto_authtoken=abc.def.ghi; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it('writes every option', () => {
    const header = buildAuthCookieHeader('t', { maxAge: 3600, domain: 'example.com', path: '/api', sameSite: 'strict', name: 'at' });
    expect(header).toBe('at=t; Max-Age=3600; Domain=example.com; Path=/api; HttpOnly; Secure; SameSite=Strict');
    expect(buildAuthCookieHeader('t', { secure: false })).toBe('logto_authtoken=t; Path=/; HttpOnly; SameSite=Lax');
    expect(buildAuthCookieHeader('t', { sameSite: 'none' })).toBe('logto_authtoken=t; Path=/; HttpOnly; Secure; SameSite=None');
  });

  it('clears the cookie with an empty token and maxAge 0', () => {
    expect(buildAuthCookieHeader('', { maxAge: 0 })).toBe('logto_authtoken=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it('regression: seed double-encoded cookie values', () => {
    const header = buildAuthCookieHeader(jwt, { maxAge: 3600 });
    expect(header).toContain(`logto_authtoken=${jwt};`);
    expect(parse(cookiePair(header)).logto_authtoken).toBe(jwt);
    expect(parseSetCookie(header).value).toBe(jwt);
    // And through the library's own reader.
    expect(toRequestView({ headers: { cookie: cookiePair(header) } }).cookie('logto_authtoken')).toBe(jwt);
    for (const token of ['a+b/c==', 'x~y_z-1.2', "!#$&'*:<>?@[]^`{|}"]) {
      const written = buildAuthCookieHeader(token);
      expect(cookiePair(written)).toBe(`logto_authtoken=${token}`);
      expect(parse(cookiePair(written)).logto_authtoken).toBe(token);
    }
  });

  it.each([
    ['CR', 'abc\rdef'],
    ['LF', 'abc\ndef'],
    ['CRLF + header', 'abc\r\nSet-Cookie: admin=1'],
    [';', 'abc; Domain=evil.test'],
    ['space', 'abc def'],
    ['comma', 'abc,def'],
    ['DQUOTE', 'abc"def'],
    ['backslash', 'abc\\def'],
    ['%', 'abc%41'],
    ['non-ASCII', 'abcé'],
  ])('refuses a token with %s', (_name, token) => {
    expect(() => buildAuthCookieHeader(token)).toThrow(TypeError);
    try {
      buildAuthCookieHeader(token);
    } catch (error) {
      expect((error as Error).message).toContain('"token"');
      expect((error as Error).message).not.toContain(token);
    }
  });

  it.each(['example.com\r\nX: 1', 'example.com\n', 'example.com; Secure', 'exa mple.com', 'evil.test/x', ''])(
    'refuses the domain %j',
    (domain) => {
      expect(() => buildAuthCookieHeader('t', { domain })).toThrow(/"domain"/);
    },
  );

  it.each(['/a\r\nX: 1', '/a\nb', '/a;b', 'relative', '', '/a<b', '/\u0000'])('refuses the path %j', (path) => {
    expect(() => buildAuthCookieHeader('t', { path })).toThrow(/"path"/);
  });

  it('refuses bad names, maxAge, sameSite and secure', () => {
    expect(() => buildAuthCookieHeader('t', { name: 'a;b' })).toThrow(/"name"/);
    expect(() => buildAuthCookieHeader('t', { name: 'a\r\nb' })).toThrow(/"name"/);
    expect(() => buildAuthCookieHeader('t', { name: '' })).toThrow(/"name"/);
    expect(() => buildAuthCookieHeader('t', { maxAge: 1.5 })).toThrow(/"maxAge"/);
    expect(() => buildAuthCookieHeader('t', { maxAge: Number.NaN })).toThrow(/"maxAge"/);
    expect(() => buildAuthCookieHeader('t', { sameSite: 'sometimes' as 'lax' })).toThrow(/"sameSite"/);
    expect(() => buildAuthCookieHeader('t', { secure: 'yes' as unknown as boolean })).toThrow(/"secure"/);
  });

  it("refuses sameSite 'none' without secure (RFC 6265bis)", () => {
    expect(() => buildAuthCookieHeader('t', { sameSite: 'none', secure: false })).toThrow(/"sameSite".*secure/);
  });
});

describe('buildGuestCookieHeader', () => {
  const id = '0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e';

  it('writes HttpOnly, SameSite=Lax, 400 days, no Secure by default', () => {
    expect(MAX_COOKIE_AGE).toBe(34_560_000);
    expect(buildGuestCookieHeader(id)).toBe(`guest_logto_authtoken=${id}; Max-Age=34560000; Path=/; HttpOnly; SameSite=Lax`);
  });

  it('adds Secure when asked and honours name and maxAge', () => {
    expect(buildGuestCookieHeader(id, { secure: true, name: 'g', maxAge: 60 })).toBe(`g=${id}; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax`);
  });

  it('writes the id in lower case and reads back the same', () => {
    const header = buildGuestCookieHeader(id.toUpperCase());
    expect(parse(cookiePair(header)).guest_logto_authtoken).toBe(id);
  });

  it('refuses anything that is not a UUID, and bad options', () => {
    for (const bad of ['admin', `${id}; Domain=evil.test`, `${id}\r\nX: 1`, '']) {
      expect(() => buildGuestCookieHeader(bad)).toThrow(/"guestId"/);
    }
    expect(() => buildGuestCookieHeader(id, { name: 'a b' })).toThrow(/"name"/);
    expect(() => buildGuestCookieHeader(id, { maxAge: 0.5 })).toThrow(/"maxAge"/);
  });
});
