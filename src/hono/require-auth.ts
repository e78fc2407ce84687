import { authErrorToResponse, evaluateRequirement, parseRequirement, type AuthContext, type AuthenticatedContext, type AuthError, type AuthRequirement, type GuestContext, type Policy, type RequirementOperation } from 'logto-authkit';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { LogtoAuthEnv } from './middleware.js';

/** Options of {@link requireAuth}: the core's requirement, with the organization optionally read from the request. */
export interface RequireAuthOptions<AllowGuest extends boolean | undefined = undefined> extends Omit<AuthRequirement, 'organization'> {
  /** Let guests through when nothing else is required. @default false */
  allowGuest?: AllowGuest;
  /**
   * The organization the route addresses, or a function reading it from the
   * context (e.g. `(c) => c.req.param('orgId')`). A missing id is refused, never skipped.
   * @default undefined (no organization check)
   */
  organization?: string | ((c: Context) => unknown);
  /** A rule from `definePolicy`; it gets `(auth, c, c.req.param())`. Guests never pass. @default undefined */
  policy?: Policy<never, never>;
}

/** What `c.var.auth` is once `requireAuth` let the request through. */
export type RequiredAuthEnv<AllowGuest extends boolean | undefined> = {
  Variables: { auth: AllowGuest extends true ? AuthenticatedContext | GuestContext : AuthenticatedContext };
};

type ContextResolver = (c: Context) => unknown;

// The operation of a requirement that reads nothing of the context (no organization resolver, no policy).
const NOTHING_READ: RequirementOperation<ContextResolver> = Object.freeze({});

/**
 * Route middleware that lets a request through only when `c.var.auth` meets the
 * requirement, decided by the core's `evaluateRequirement` (the caller, the
 * organization, the scopes, the policy). A refusal is a `Response` from the
 * core's error table: 401/403 with `WWW-Authenticate`, 500 `policy_error`, 503
 * `jwks_unavailable` with `Retry-After`, always `Cache-Control: no-store`.
 * After it, `c.var.auth.userId` is typed `string`. Needs `logtoAuth()` first.
 *
 * @throws TypeError at creation for a bad option (see `parseRequirement`).
 * @example
 * ```ts
 * app.post('/posts', requireAuth({ scopes: ['write:posts'] }), (c) => c.json({ author: c.var.auth.userId }))
 * app.get('/orgs/:orgId', requireAuth({ organization: (c) => c.req.param('orgId') }), showOrg)
 * ```
 */
export function requireAuth<AllowGuest extends boolean | undefined = undefined>(
  options: RequireAuthOptions<AllowGuest> = {},
): MiddlewareHandler<LogtoAuthEnv & RequiredAuthEnv<AllowGuest>> {
  const requirement = parseRequirement<ContextResolver>(options, { entry: 'logto-authkit/hono', name: 'requireAuth' });
  // Only an organization resolver or a policy reads the context: without them nothing is built per request.
  const readsContext = requirement.organization !== undefined || requirement.policy !== undefined;
  const decide = async (error: AuthError | undefined, next: Next): Promise<Response | undefined> => {
    if (error) return authErrorToResponse(error);
    await next();
    return undefined;
  };
  return (c, next) => {
    const auth = c.get('auth') as AuthContext | undefined;
    if (auth === undefined) return Promise.reject(new Error('logto-authkit: requireAuth() needs logtoAuth() to run before it'));
    const outcome = readsContext
      ? evaluateRequirement(auth, requirement, { resolveOrganization: (resolve) => resolve(c), context: c, args: () => c.req.param() })
      : evaluateRequirement(auth, requirement, NOTHING_READ);
    // Decided in this tick when nothing needs waiting for (no promise before the route runs).
    return outcome instanceof Promise ? outcome.then((error) => decide(error, next)) : decide(outcome, next);
  };
}
