/**
 * Cross-origin protection for cookie-borne tokens: the rule of Go's
 * `net/http.CrossOriginProtection` (Go 1.25), which needs no CSRF token because
 * browsers label every request with `Sec-Fetch-Site` (Fetch Metadata) or `Origin`.
 */
import { AuthError } from './errors.js';
import type { RequestView } from './request.js';

/** CSRF settings as normalised by `normalizeOptions`: `false` turns the check off. */
export type CsrfSettings = false | { trustedOrigins: ReadonlySet<string> };

// RFC 9110 §9.2.1: safe methods do not change state, so a forged one gains nothing.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const refused = (): AuthError => new AuthError('csrf_rejected', 'cross-site request with a cookie-borne token was refused');

/** The serialised origin of an `Origin` header, or `undefined` for `null` and junk (RFC 6454 §7). */
function parseOrigin(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function isTrusted(origin: URL | undefined, trustedOrigins: ReadonlySet<string>): boolean {
  return origin !== undefined && trustedOrigins.has(origin.origin);
}

/**
 * Decide whether a request that carries its token in a cookie may proceed.
 * Call it only for cookie-borne tokens: a header token cannot be attached by a
 * browser on its own, so it cannot be forged across sites.
 *
 * - GET, HEAD and OPTIONS always pass.
 * - With `Sec-Fetch-Site`: `same-origin` and `none` pass; any other value passes
 *   only when `Origin` is one of `trustedOrigins`.
 * - Without it: no `Origin` passes (not a browser); an `Origin` whose host is
 *   the request's own, or one of `trustedOrigins`, passes; anything else
 *   (including `Origin: null`) is refused.
 *
 * @returns `undefined` to proceed, or a `csrf_rejected` {@link AuthError}.
 * @example
 * ```ts
 * const error = csrfError(view, { trustedOrigins: new Set(['https://app.example.com']) })
 * if (error) return anonymous(error)
 * ```
 */
export function csrfError(view: RequestView, csrf: CsrfSettings): AuthError | undefined {
  if (csrf === false || SAFE_METHODS.has(view.method)) return undefined;
  // As in Go, an empty header counts as absent.
  const originHeader = view.header('origin') || undefined;
  const origin = originHeader === undefined ? undefined : parseOrigin(originHeader);

  const site = view.header('sec-fetch-site');
  if (site) {
    // Fetch Metadata §2.1: `none` is a user-initiated navigation (address bar, bookmark).
    if (site === 'same-origin' || site === 'none') return undefined;
    return isTrusted(origin, csrf.trustedOrigins) ? undefined : refused();
  }

  // Neither header: the same origin from a very old browser, or not a browser at all.
  if (originHeader === undefined) return undefined;
  if (origin !== undefined && view.origin !== undefined) {
    // Go compares hosts only: behind a TLS-terminating proxy the scheme the
    // server sees is not the browser's. Browsers without Sec-Fetch-Site are the
    // only ones reaching this branch; HSTS covers the http→https case.
    if (origin.host === new URL(view.origin).host) return undefined;
  }
  return isTrusted(origin, csrf.trustedOrigins) ? undefined : refused();
}
