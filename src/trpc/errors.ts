/**
 * AuthError → TRPCError, and back to an HTTP status for `responseMeta`. The
 * mapping is the core's error table (`err.meaning.trpc`); nothing is decided here.
 */
import { TRPCError } from '@trpc/server';
import { isAuthError, type AuthError } from 'logto-authkit';

/**
 * The `TRPCError` for an auth failure: the table's tRPC code, the error's own
 * message (it names missing scopes, never the token) and the `AuthError` as `cause`.
 * `jwks_unavailable` and `revocation_unavailable` become `SERVICE_UNAVAILABLE`
 * (tRPC v11 sends it as 503), so an outage never reads as a bad token.
 *
 * @example
 * ```ts
 * const error = authorize(ctx.auth, { scopes: ['write:posts'] })
 * if (error) throw toTRPCError(error)
 * ```
 */
export function toTRPCError(error: AuthError): TRPCError {
  return new TRPCError({ code: error.meaning.trpc, message: error.message, cause: error });
}

/**
 * The `AuthError` behind `error`: itself, or the first one in its `cause` chain.
 *
 * @example
 * ```ts
 * onError({ error }) { const auth = findAuthError(error); if (auth) log(auth.code) }
 * ```
 */
export function findAuthError(error: unknown): AuthError | undefined {
  let current = error;
  // A short, bounded walk: a cyclic `cause` chain must not hang the response.
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (isAuthError(current)) return current;
    current = current.cause;
  }
  return undefined;
}

/** What {@link authResponseMeta} returns: tRPC's `ResponseMeta` shape. */
export interface AuthResponseMeta {
  status?: number;
  /** `Cache-Control: no-store` and, for a 401/403, the RFC 6750 `WWW-Authenticate` challenge. */
  headers?: Headers;
}

/** The parts of tRPC's `responseMeta` options that {@link authResponseMeta} reads. */
export interface AuthResponseMetaOptions {
  /** The errors the calls threw. */
  errors: readonly unknown[];
  /** One entry per call (`[]` for streamed responses). */
  data: readonly unknown[];
}

/**
 * A tRPC `responseMeta` that gives auth failures their table status (401, 403,
 * 503 for `jwks_unavailable` instead of 500) and the RFC 6750 `WWW-Authenticate`
 * header. It changes a response only when every call of it failed for the same
 * status; mixed batches keep tRPC's 207. Streamed responses (SSE,
 * `httpBatchStreamLink`) have sent their status before any procedure ran, and
 * WebSocket messages have no status: there the error code alone tells.
 *
 * @example
 * ```ts
 * createHTTPServer({ router, createContext, responseMeta: authResponseMeta })
 * // or combined with your own; `headers` is a `Headers` instance:
 * responseMeta: (opts) => ({ ...myMeta(opts), ...authResponseMeta(opts) })
 * ```
 */
export function authResponseMeta(opts: AuthResponseMetaOptions): AuthResponseMeta {
  if (opts.errors.length === 0 || opts.errors.length !== opts.data.length) return {};
  const authErrors = opts.errors.map(findAuthError);
  const first = authErrors[0];
  if (!first || authErrors.some((error) => error?.status !== first.status)) return {};
  // RFC 6750 §3: error responses carrying credentials' verdicts must not be cached.
  const headers = new Headers({ 'cache-control': 'no-store' });
  const challenge = authErrors.find((error) => error?.wwwAuthenticate)?.wwwAuthenticate;
  if (challenge) headers.set('www-authenticate', challenge);
  // RFC 9110 §10.2.3: an outage that says when it may end (the key store's refetch budget).
  const retryAfter = authErrors.find((error) => error?.retryAfter !== undefined)?.retryAfter;
  if (retryAfter !== undefined) headers.set('retry-after', String(retryAfter));
  return { status: first.status, headers };
}
