/**
 * `Set-Cookie` values for the auth-token and guest cookies. Every value is
 * checked before it reaches a header: a CR, LF or `;` from a caller would
 * otherwise inject headers or cookie attributes.
 */
import { stringifySetCookie } from 'cookie';
import { isUUID } from './guest.js';

/** Options of {@link buildAuthCookieHeader}. */
export interface AuthCookieOptions {
  /** Lifetime in seconds (an integer); a session cookie when absent. @default undefined */
  maxAge?: number;
  /** `Domain` attribute; host-only when absent. @default undefined */
  domain?: string;
  /** `Path` attribute; must start with `/`. @default '/' */
  path?: string;
  /** `SameSite` attribute; `'none'` requires `secure`. @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none';
  /** `Secure` attribute. @default true */
  secure?: boolean;
  /** Cookie name. @default 'logto_authtoken' */
  name?: string;
}

/** Options of {@link buildGuestCookieHeader}. */
export interface GuestCookieOptions {
  /** `Secure` attribute; set it when the site is served over HTTPS. @default false */
  secure?: boolean;
  /** Cookie name. @default 'guest_logto_authtoken' */
  name?: string;
  /** Lifetime in seconds. @default 34560000 (400 days, the RFC 6265bis §5.5 cap) */
  maxAge?: number;
}

// RFC 6265 §4.1.1 cookie-octet: no CTLs, whitespace, DQUOTE, comma, semicolon or
// backslash. `%` is refused too: readers URL-decode cookie values (`cookie.parse`,
// Express, Next.js), so a `%` would not come back as written.
const COOKIE_VALUE = /^[\x21\x23-\x24\x26-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
// RFC 6265 §4.1.1 cookie-name = token (RFC 9110 §5.6.2 tchar).
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 1034 §3.5 / RFC 1123 §2.1 labels; a leading dot is tolerated (RFC 6265 §5.2.3).
const DOMAIN = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
// RFC 6265 §4.1.1 path-value: any CHAR except CTLs or ";" (and "<", which `cookie` refuses too);
// §5.2.4: a path not starting with "/" is ignored by user agents.
const PATH = /^\/[\x20-\x3A\x3D-\x7E]*$/;
const SAME_SITE = new Set(['lax', 'strict', 'none']);

/** 400 days in seconds: the longest lifetime user agents honour (RFC 6265bis §5.5). */
export const MAX_COOKIE_AGE = 400 * 24 * 60 * 60;

// Values are never echoed: `token` is a credential.
const invalid = (option: string, expected: string): TypeError =>
  new TypeError(`logto-authkit: cookie option "${option}" ${expected}`);

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) throw invalid('name', 'must be a cookie name (RFC 6265 token)');
  return name;
}

function checkMaxAge(maxAge: unknown): number | undefined {
  if (maxAge === undefined) return undefined;
  if (typeof maxAge !== 'number' || !Number.isInteger(maxAge)) throw invalid('maxAge', 'must be an integer number of seconds');
  return maxAge;
}

/**
 * The `Set-Cookie` value that stores an access token: `HttpOnly` always,
 * `Secure` and `SameSite=Lax` by default. The token is written as is (a JWT is
 * already cookie-safe), so `cookie.parse` gives it back unchanged. An empty
 * token with `maxAge: 0` clears the cookie.
 *
 * @throws TypeError naming the option when a value contains CR, LF, `;` or any
 *   other character illegal in its place, or when `sameSite: 'none'` lacks `secure`.
 * @example
 * ```ts
 * response.headers.append('Set-Cookie', buildAuthCookieHeader(accessToken, { maxAge: 3600 }))
 * // logto_authtoken=eyJ...; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax
 * ```
 */
export function buildAuthCookieHeader(token: string, options: AuthCookieOptions = {}): string {
  if (typeof token !== 'string' || !COOKIE_VALUE.test(token)) {
    throw invalid('token', 'must contain only cookie-octets (RFC 6265 §4.1.1) and no "%"');
  }
  const name = checkName(options.name ?? 'logto_authtoken');
  const maxAge = checkMaxAge(options.maxAge);
  const { domain, path = '/', sameSite = 'lax', secure = true } = options;
  if (domain !== undefined && (typeof domain !== 'string' || !DOMAIN.test(domain))) {
    throw invalid('domain', 'must be a host name (letters, digits, "-" and ".")');
  }
  if (typeof path !== 'string' || !PATH.test(path)) throw invalid('path', 'must start with "/" and contain no CTL, ";" or "<"');
  if (!SAME_SITE.has(sameSite)) throw invalid('sameSite', "must be 'lax', 'strict' or 'none'");
  if (typeof secure !== 'boolean') throw invalid('secure', 'must be a boolean');
  // RFC 6265bis §4.1.2.7: browsers drop SameSite=None cookies that are not Secure.
  if (sameSite === 'none' && !secure) throw invalid('sameSite', "'none' requires secure: true");
  return stringifySetCookie({ name, value: token, maxAge, domain, path, httpOnly: true, secure, sameSite }, { encode: (value) => value });
}

/**
 * The `Set-Cookie` value that stores a guest id: `HttpOnly; SameSite=Lax`,
 * `Secure` only when asked, 400 days by default.
 *
 * @throws TypeError when `guestId` is not a UUID or an option is invalid.
 * @example
 * ```ts
 * if (auth.status === 'guest' && auth.isNewGuest) {
 *   res.append('Set-Cookie', buildGuestCookieHeader(auth.guestId, { secure: req.secure }))
 * }
 * ```
 */
export function buildGuestCookieHeader(guestId: string, options: GuestCookieOptions = {}): string {
  if (typeof guestId !== 'string' || !isUUID(guestId)) throw invalid('guestId', 'must be a UUID');
  const name = checkName(options.name ?? 'guest_logto_authtoken');
  const maxAge = checkMaxAge(options.maxAge ?? MAX_COOKIE_AGE);
  const secure = options.secure ?? false;
  if (typeof secure !== 'boolean') throw invalid('secure', 'must be a boolean');
  return stringifySetCookie({ name, value: guestId.toLowerCase(), maxAge, path: '/', httpOnly: true, secure, sameSite: 'lax' }, { encode: (value) => value });
}
