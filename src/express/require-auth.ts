import { authErrorResponse, evaluateRequirement, parseRequirement, type AuthError, type AuthRequirement, type Policy, type RequirementOperation } from 'logto-authkit';
import type { Request, RequestHandler, Response } from 'express';

/** Options of {@link requireAuth}: the core's requirement, with the organization optionally read from the request. */
export interface RequireAuthOptions extends Omit<AuthRequirement, 'organization'> {
  /**
   * The organization the route addresses, or a function reading it from the
   * request (e.g. `(req) => req.params.orgId`). A missing id is refused, never
   * skipped; so is a resolver that throws. Excludes `allowGuest`.
   * @default undefined (no organization check)
   */
  organization?: string | ((req: Request) => unknown);
  /**
   * A rule from `definePolicy`; it gets `(req.auth, req, req.params)` and runs
   * on every request, after the organization and scope checks. Guests never pass.
   * @default undefined
   */
  policy?: Policy<never, never>;
}

type RequestResolver = (req: Request) => unknown;

// The operation of a requirement that reads nothing of the request (no organization resolver, no policy).
const NOTHING_READ: RequirementOperation<RequestResolver> = Object.freeze({});

/**
 * Answers an auth failure: status and `WWW-Authenticate` from the error table,
 * JSON `{ error, error_description }`, `Cache-Control: no-store`.
 *
 * @example
 * ```ts
 * if (req.auth?.status === 'anonymous') return sendAuthError(res, req.auth.error)
 * ```
 */
export function sendAuthError(res: Response, error: AuthError): void {
  const { status, headers, body } = authErrorResponse(error);
  res.status(status).set(headers).send(JSON.stringify(body));
}

/**
 * Route middleware that lets a request through only when `req.auth` meets the
 * requirement, decided by the core's `evaluateRequirement` in its one order
 * (the caller, the organization, the scopes, the policy): 401 (no or bad
 * token), 403 (`organization_mismatch`; `insufficient_scope`, naming the
 * scopes; `policy_denied`; `csrf_rejected`), 500 (`policy_error`: the policy
 * threw), 503 (`jwks_unavailable`: Logto unreachable, never reported as a bad
 * token). Needs `authMiddleware()` first.
 *
 * @throws TypeError at creation for an unknown option, `scopes` or `anyScopes` not an array of
 * scope names, a non-boolean `allowGuest`, a `policy` not from `definePolicy`, an `organization`
 * that is neither an id nor a function, or `organization` with `allowGuest`.
 * @example
 * ```ts
 * const isAuthor = definePolicy('isAuthor', (auth, _req, params: { postId?: string }) => posts.authorOf(params.postId) === auth.userId)
 * app.post('/posts', requireAuth({ scopes: ['write:posts'] }), createPost)
 * app.put('/posts/:postId', requireAuth({ scopes: ['write:posts'], policy: isAuthor }), updatePost)
 * app.get('/orgs/:orgId', requireAuth({ organization: (req) => req.params.orgId }), showOrg)
 * ```
 */
export function requireAuth(options: RequireAuthOptions = {}): RequestHandler {
  const requirement = parseRequirement<RequestResolver>(options, { entry: 'logto-authkit/express', name: 'requireAuth' });
  // Only an organization resolver or a policy reads the request: without them nothing is built per request.
  const readsRequest = requirement.organization !== undefined || requirement.policy !== undefined;
  return (req, res, next) => {
    const auth = req.auth;
    if (auth === undefined) {
      next(new Error('logto-authkit: requireAuth() needs authMiddleware() to run before it'));
      return;
    }
    const outcome = readsRequest
      ? evaluateRequirement(auth, requirement, { resolveOrganization: (resolve) => resolve(req), context: req, args: () => req.params })
      : evaluateRequirement(auth, requirement, NOTHING_READ);
    if (outcome instanceof Promise) outcome.then((error) => (error ? sendAuthError(res, error) : next()), next);
    else if (outcome) sendAuthError(res, outcome);
    else next();
  };
}
