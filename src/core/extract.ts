/**
 * Finds the access tokens a request presents, in the configured order. Nothing
 * here judges a token: it only says where each one came from.
 */
import { refusal, type AuthError } from './errors.js';
import type { TokenSource } from './options.js';
import type { RequestView } from './request.js';

/** One token a request presented. */
export interface TokenCandidate {
  token: string;
  /** `'cookie'` tokens are subject to CSRF checks; `'header'` ones were set by code, not a browser. */
  source: TokenSource;
}

/** What {@link extractTokens} found. */
export interface ExtractResult {
  /** Tokens in `tokenSources` order, an identical token only once. */
  candidates: TokenCandidate[];
  /**
   * Set when an `Authorization` header was present but malformed (two
   * `Authorization` headers, `Bearer` without a token, `Bearer a b`). Other
   * candidates are still listed; the caller decides what wins.
   */
  malformed?: AuthError;
}

/** Options of {@link extractTokens}: the matching fields of `NormalizedOptions`. */
export interface ExtractOptions {
  /** @default 'logto_authtoken' (set by `normalizeOptions`) */
  cookieName: string;
  /** @default ['cookie', 'header'] (set by `normalizeOptions`) */
  tokenSources: readonly TokenSource[];
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is
// case-insensitive (RFC 7235 §2.1).
const BEARER_SCHEME = /^bearer$/i;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

// RFC 6750 §3.1: a malformed request or one with more than one credential is
// `invalid_request` (400), not a bad token.
const malformed = (): AuthError => refusal('malformed_authorization');
// A bare token where `Bearer <token>` belongs: a JWT (it has dots) or a word longer than any
// registered scheme name (IANA HTTP Authentication Schemes, the longest is 16 characters).
const BARE_TOKEN = /^(?:[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+|[A-Za-z0-9\-._~+/]{24,}=*)$/;

type HeaderResult = { token: string } | { error: AuthError } | undefined;

function fromAuthorization(view: RequestView): HeaderResult {
  // RFC 9110 §5.5: surrounding whitespace is not part of a field value.
  // (`header` answers undefined for a repeated Authorization; headerCount tells it apart from none.)
  const value = view.header('authorization')?.trim();
  if (value === undefined) return view.headerCount('authorization') > 1 ? { error: refusal('repeated_authorization') } : undefined;
  // An empty header carries no credentials: the same as no header.
  if (value === '') return undefined;
  let end = 0;
  while (end < value.length && value.charCodeAt(end) !== 0x20 && value.charCodeAt(end) !== 0x09) end++;
  // RFC 7235 §2.1: credentials start with a scheme. A lone token is our client's mistake, worth naming.
  if (end === value.length && BARE_TOKEN.test(value)) return { error: refusal('missing_scheme') };
  // Another scheme (Basic, DPoP, ...) is someone else's business, not an error of ours.
  if (!BEARER_SCHEME.test(value.slice(0, end))) return undefined;
  let start = end;
  while (value.charCodeAt(start) === 0x20) start++;
  // At least one SP between scheme and token (a tab is not one).
  const token = start > end ? value.slice(start) : '';
  return B64TOKEN.test(token) ? { token } : { error: malformed() };
}

// RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ).
const unquote = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;

// An identical token only once. A plain function, not a closure per request: this runs on every one.
function addCandidate(candidates: TokenCandidate[], candidate: TokenCandidate): void {
  for (const c of candidates) if (c.token === candidate.token) return;
  candidates.push(candidate);
}

/**
 * List the tokens a request presents: the `cookieName` cookie and/or an
 * `Authorization: Bearer` header, in `tokenSources` order. A raw token string
 * given as input is one `'header'` candidate (code sent it, not a browser).
 *
 * @example
 * ```ts
 * const { candidates, malformed } = extractTokens(toRequestView(request), {
 *   cookieName: 'logto_authtoken',
 *   tokenSources: ['cookie', 'header'],
 * })
 * ```
 */
export function extractTokens(view: RequestView, options: ExtractOptions): ExtractResult {
  if (view.rawToken !== undefined) {
    return { candidates: view.rawToken === '' ? [] : [{ token: view.rawToken, source: 'header' }] };
  }
  const candidates: TokenCandidate[] = [];
  let error: AuthError | undefined;
  for (const source of options.tokenSources) {
    if (source === 'cookie') {
      const value = view.cookie(options.cookieName);
      const token = value === undefined ? '' : unquote(value);
      if (token !== '') addCandidate(candidates, { token, source });
    } else {
      const found = fromAuthorization(view);
      if (found === undefined) continue;
      if ('error' in found) error = found.error;
      else addCandidate(candidates, { token: found.token, source });
    }
  }
  return error === undefined ? { candidates } : { candidates, malformed: error };
}
