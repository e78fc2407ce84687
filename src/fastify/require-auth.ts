import { authErrorResponse, evaluateRequirement, parseRequirement, type AuthRequirement, type Policy } from 'logto-authkit';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

/** Options of {@link requireAuth}: the core's requirement, with the organization optionally read from the request. */
export interface RequireAuthOptions extends Omit<AuthRequirement, 'organization'> {
  /**
   * The organization the route addresses, or a function reading it from the
   * request (e.g. `(request) => (request.params as { orgId: string }).orgId`).
   * A missing id is refused, never skipped. Excludes `allowGuest`.
   * @default undefined (no organization check)
   */
  organization?: string | ((request: FastifyRequest) => unknown);
  /** A rule from `definePolicy`; it gets `(request.auth, request, request.params)`. Guests never pass. @default undefined */
  policy?: Policy<never, never>;
}

type RequestResolver = (request: FastifyRequest) => unknown;

/**
 * Answers an auth failure from the core's error table: status, `WWW-Authenticate`,
 * `Retry-After` for an outage, `Cache-Control: no-store`, JSON `{ error, error_description, reason }`.
 *
 * @example
 * ```ts
 * if (request.auth?.status === 'anonymous') return sendAuthError(reply, request.auth.error)
 * ```
 */
export function sendAuthError(reply: FastifyReply, error: Parameters<typeof authErrorResponse>[0]): FastifyReply {
  const { status, headers, body } = authErrorResponse(error);
  return reply.code(status).headers(headers).send(JSON.stringify(body));
}

/**
 * A `preHandler` that lets a request through only when `request.auth` meets the
 * requirement, decided by the core's `evaluateRequirement` (the caller, the
 * organization, the scopes, the policy): 401, 403, 500 (`policy_error`), 503
 * (`jwks_unavailable`, never reported as a bad token). Needs `logtoAuthPlugin`.
 *
 * @throws TypeError at creation for a bad option (see `parseRequirement`).
 * @example
 * ```ts
 * app.post('/posts', { preHandler: requireAuth({ scopes: ['write:posts'] }) }, createPost)
 * ```
 */
export function requireAuth(options: RequireAuthOptions = {}): preHandlerAsyncHookHandler {
  const requirement = parseRequirement<RequestResolver>(options, { entry: 'logto-authkit/fastify', name: 'requireAuth' });
  return async function logtoRequireAuth(request, reply) {
    const auth = request.auth;
    if (auth === undefined) throw new Error('logto-authkit: requireAuth() needs logtoAuthPlugin registered on the app');
    const error = await evaluateRequirement(auth, requirement, {
      resolveOrganization: (resolve) => resolve(request),
      context: request,
      args: () => request.params,
    });
    if (error) return sendAuthError(reply, error);
    return undefined;
  };
}
