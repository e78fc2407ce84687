import { bearerError } from './www-authenticate.js';
import { createTokenReader } from './token-refresh.js';
import type { TokenSource } from './types.js';

/**
 * The `fetch` signature the helper wraps and returns (tRPC's `httpBatchLink({ fetch })` takes it).
 *
 * @example
 * ```ts
 * const base: FetchFunction = (input, init) => fetch(input, init)
 * ```
 */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * When to retry a 503 (an outage of the API's identity provider or store).
 *
 * @example
 * ```ts
 * createAuthFetch({ getAccessToken, retryUnavailable: { maxWaitSeconds: 10 } })
 * ```
 */
export interface RetryUnavailableOptions {
  /**
   * The longest `Retry-After` (RFC 9110 §10.2.3) to wait, in seconds; a 503 asking
   * for longer, or with no `Retry-After`, is returned as it is.
   * @default 5
   */
  maxWaitSeconds?: number;
}

/**
 * Options of {@link createAuthFetch}; checked once, a bad one throws a `TypeError` naming it.
 *
 * @example
 * ```ts
 * const options: AuthFetchOptions = { getAccessToken: logto.getAccessToken, clearAccessToken: logto.clearAccessToken, resource: 'https://api.example.com' }
 * ```
 */
export interface AuthFetchOptions extends TokenSource {
  /** The `fetch` to call. @default globalThis.fetch (read at each call) */
  fetch?: FetchFunction;
  /**
   * Retry a 503 once after its `Retry-After`. A 503 means the API could not
   * check the token (its identity provider is down), never that the token is bad.
   * @default false (a 503 is returned to the caller)
   */
  retryUnavailable?: boolean | RetryUnavailableOptions;
  /**
   * How to wait before a 503 retry; the promise rejects when `signal` aborts.
   * @default a `setTimeout`
   */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** Seconds of a `Retry-After` value (delta-seconds or an HTTP-date, RFC 9110 §10.2.3), or `undefined`. */
function retryAfterSeconds(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function parseMaxWait(option: AuthFetchOptions['retryUnavailable']): number | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return 5;
  if (typeof option !== 'object' || option === null) throw new TypeError('logto-authkit/client: option "retryUnavailable" must be a boolean or { maxWaitSeconds }');
  const max = option.maxWaitSeconds ?? 5;
  if (typeof max !== 'number' || !(max >= 0) || !Number.isFinite(max)) throw new TypeError('logto-authkit/client: option "retryUnavailable.maxWaitSeconds" must be a finite number >= 0');
  return max;
}

/**
 * A `fetch` that sends `Authorization: Bearer <token>` (RFC 6750 §2.1) and, when
 * the API answers 401 with `error="invalid_token"` (the token expired or was
 * revoked, RFC 6750 §3.1), gets a fresh token **once** and retries **once**. If
 * the source gives the same token back, the 401 is returned: it never loops.
 * A 401 without `invalid_token` (no token was sent), a 403 (a missing scope is
 * not cured by a new token) and a 503 (an outage) are returned as they are; a
 * 503 is retried once after its `Retry-After` only with `retryUnavailable`.
 * A request's own `Authorization` header is replaced when there is a token, and
 * sent as it is when there is none. A `getAccessToken`
 * that rejects (Logto's SDKs do when nobody is signed in) rejects the call,
 * except when refreshing: then the 401 is returned.
 * Wrap it (`() => logto.getAccessToken(resource).catch(() => null)`) to call
 * public routes signed out.
 *
 * @example
 * ```ts
 * import LogtoClient from '@logto/browser'
 * import { createAuthFetch } from 'logto-authkit/client'
 *
 * declare const logto: LogtoClient
 * const authFetch = createAuthFetch({
 *   getAccessToken: logto.getAccessToken,
 *   clearAccessToken: logto.clearAccessToken,
 *   resource: 'https://api.example.com',
 * })
 * const me = await authFetch('https://api.example.com/me').then((r) => r.json())
 * ```
 */
export function createAuthFetch(options: AuthFetchOptions): FetchFunction {
  const tokens = createTokenReader(options);
  const maxWait = parseMaxWait(options.retryUnavailable);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TypeError('logto-authkit/client: option "fetch" must be a function');
  if (options.wait !== undefined && typeof options.wait !== 'function') throw new TypeError('logto-authkit/client: option "wait" must be a function');
  const wait = options.wait ?? sleep;
  const send = (request: Request, token: string | null): Promise<Response> => {
    const headers = new Headers(request.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return (options.fetch ?? globalThis.fetch)(new Request(request, { headers }));
  };

  return async function authFetch(input, init) {
    // One Request up front so the body can be sent twice (a retry needs a copy taken before the first send).
    const request = new Request(input, init);
    const spare = (): Request => request.clone();
    let token = await tokens.current();
    let response = await send(spare(), token);
    if (response.status === 401 && token && bearerError(response.headers.get('www-authenticate')) === 'invalid_token') {
      // A refresh that fails (the refresh token expired too) leaves the user signed out: the 401 says so.
      const fresh = await tokens.fresh(token).catch(() => null);
      if (fresh === null) return response;
      await response.body?.cancel();
      token = fresh;
      response = await send(spare(), token);
    }
    if (response.status === 503 && maxWait !== undefined) {
      const seconds = retryAfterSeconds(response.headers.get('retry-after'), Date.now());
      if (seconds === undefined || seconds > maxWait) return response;
      await response.body?.cancel();
      await wait(seconds * 1000, request.signal);
      response = await send(spare(), token);
    }
    return response;
  };
}
