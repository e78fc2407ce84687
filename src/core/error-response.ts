import type { AuthError } from './errors.js';
import type { RefusalReason } from './refusal-reasons.js';

/** A JSON error answer, ready for any HTTP framework. */
export interface AuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  /**
   * RFC 6750 §3 names `error` and `error_description`; `reason` is the finer, machine-readable
   * check that refused (e.g. `opaque_token`), so a client can branch without parsing the text.
   */
  body: { error: string; error_description: string; reason: RefusalReason };
}

/**
 * The HTTP answer for an auth failure: status and `WWW-Authenticate` from the
 * error table, `Cache-Control: no-store` (RFC 6750 §3 responses must not be cached), and
 * `Retry-After` when the error says when a retry may succeed (RFC 9110 §10.2.3).
 *
 * @example
 * ```ts
 * const { status, headers, body } = authErrorResponse(error)
 * res.status(status).set(headers).json(body)
 * ```
 */
export function authErrorResponse(error: AuthError): AuthErrorResponse {
  const headers: Record<string, string> = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };
  if (error.wwwAuthenticate) headers['www-authenticate'] = error.wwwAuthenticate;
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  return { status: error.status, headers, body: { error: error.code, error_description: error.message, reason: error.reason } };
}

/**
 * The same answer as a Fetch `Response` (Next.js, Yoga, edge runtimes).
 *
 * @example
 * ```ts
 * if (auth.status === 'anonymous') return authErrorToResponse(auth.error)
 * ```
 */
export function authErrorToResponse(error: AuthError): Response {
  const { status, headers, body } = authErrorResponse(error);
  return new Response(JSON.stringify(body), { status, headers });
}
