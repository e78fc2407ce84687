/**
 * A receiver's answer: 200 with no body on success, errors as JSON
 * `{error, error_description}` (OIDC Back-Channel Logout 1.0 §2.8); never cached.
 *
 * @example
 * ```ts
 * return answer(400, 'invalid_request', 'request body is not JSON')
 * ```
 */
export const answer = (status: number, error?: string, description?: string, headers: Record<string, string> = {}): Response =>
  new Response(error === undefined ? null : JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'cache-control': 'no-store', ...(error === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers },
  });

/**
 * 503 with `Retry-After`: an outage the sender should retry, never a refusal.
 *
 * @example
 * ```ts
 * return unavailable('the revocation store is unreachable; try again', error.retryAfter)
 * ```
 */
export const unavailable = (description: string, retryAfter = 5): Response => answer(503, 'temporarily_unavailable', description, { 'retry-after': String(retryAfter) });
