import { authErrorResponse, authorize, type AuthError, type AuthRequirement } from 'logto-authkit';
import type { Request, RequestHandler, Response } from 'express';

/** Options of {@link requireAuth}: the core's requirement, with the organization optionally read from the request. */
export interface RequireAuthOptions extends Omit<AuthRequirement, 'organization'> {
  /**
   * The organization the route addresses, or a function reading it from the
   * request (e.g. `(req) => req.params.orgId`). A missing id is refused, never skipped.
   * @default undefined (no organization check)
   */
  organization?: string | ((req: Request) => unknown);
}

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
 * requirement: 401 (no or bad token), 403 (`insufficient_scope`, naming the
 * scopes; `organization_mismatch`; `csrf_rejected`), 503 (`jwks_unavailable`:
 * Logto unreachable, never reported as a bad token). Needs `authMiddleware()` first.
 *
 * @example
 * ```ts
 * app.post('/posts', requireAuth({ scopes: ['write:posts'] }), createPost)
 * app.get('/orgs/:orgId', requireAuth({ organization: (req) => req.params.orgId }), showOrg)
 * ```
 */
export function requireAuth(options: RequireAuthOptions = {}): RequestHandler {
  const { organization, ...rest } = options;
  return (req, res, next) => {
    const auth = req.auth;
    if (auth === undefined) {
      next(new Error('logto-authkit: requireAuth() needs authMiddleware() to run before it'));
      return;
    }
    let addressed: unknown;
    try {
      addressed = typeof organization === 'function' ? organization(req) : organization;
    } catch {
      addressed = undefined; // a resolver that throws refuses the call, as in tRPC
    }
    // An id that cannot be read becomes '' so the core refuses it (fail closed).
    const requirement: AuthRequirement =
      organization === undefined ? rest : { ...rest, organization: typeof addressed === 'string' ? addressed : '' };
    const error = authorize(auth, requirement);
    if (error) sendAuthError(res, error);
    else next();
  };
}
