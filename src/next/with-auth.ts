import {
  authErrorToResponse,
  evaluateRequirement,
  parseRequirement,
  REQUIREMENT_KEYS,
  resolveKit,
  type AuthKitOptions,
  type AuthRequirement,
  type AuthenticatedContext,
  type GuestContext,
  type KitOrOptions,
  type Policy,
  type Requirement,
} from 'logto-authkit';
import { withGuestCookie } from './guest-cookie.js';

/** What Next.js passes a route handler as its second argument (`params` is a Promise since Next.js 15). */
export interface NextRouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/** Options of {@link withAuth}: the core's requirement, with the organization optionally read from the request. */
export interface WithAuthRequirement extends Omit<AuthRequirement, 'organization'> {
  /**
   * The organization the route addresses, or a function reading it (e.g.
   * `async (_req, { params }) => (await params).orgId`). A missing id is refused;
   * so is a resolver that throws. Excludes `allowGuest`.
   * @default undefined (no organization check)
   */
  organization?: string | ((request: Request, context: NextRouteContext) => unknown);
  /**
   * A rule from `definePolicy`; it gets `(auth, request, await context.params)`
   * and runs on every request, after the organization and scope checks. Guests never pass.
   * @default undefined
   */
  policy?: Policy<never, never>;
}

type RouteResolver = (request: Request, context: NextRouteContext) => unknown;
const PARSE = { entry: 'logto-authkit/next', name: 'withAuth' } as const;

/** The `auth` a handler receives: authenticated, or also a guest when `allowGuest` may be `true`. */
export type AuthOf<AllowGuest extends boolean | undefined> = [AllowGuest] extends [false | undefined]
  ? AuthenticatedContext
  : AuthenticatedContext | GuestContext;

/** A route handler wrapped by {@link withAuth}: its context also carries `auth`. */
export type AuthRouteHandler<AllowGuest extends boolean | undefined = undefined, Req extends Request = Request, C = NextRouteContext> = (
  request: Req,
  context: C & { auth: AuthOf<AllowGuest> },
) => Response | Promise<Response>;

/**
 * Wrap an App Router route handler: it runs only when the caller meets
 * `requirement`, and receives `(request, { ...context, auth })`. The decision
 * is the core's `evaluateRequirement`, in its one order: the caller, the
 * organization, the scopes, the policy. Otherwise the answer is the error's:
 * 401/403 JSON `{ error, error_description }` with `WWW-Authenticate` and
 * `Cache-Control: no-store`, 500 `policy_error` when the policy threw, or 503
 * when Logto is unreachable. A new guest gets the guest cookie on the handler's response.
 *
 * The kit comes first, as with `authMiddleware`: create it once in a module of
 * your app (`lib/auth.ts`) and pass it to every route.
 *
 * @param kitOrOptions A kit from `createAuthKit`, or its options (then the kit is shared per options).
 * @param handler The route handler.
 * @param requirement Scopes (all of), anyScopes (one of), allowGuest, organization, policy. @default {} (any signed-in caller)
 * @throws TypeError at creation for an unknown option, `scopes` or `anyScopes` not an array of
 * scope names, a non-boolean `allowGuest`, a `policy` not from `definePolicy`, an `organization`
 * that is neither an id nor a function, or `organization` with `allowGuest`.
 * @example
 * ```ts
 * // app/api/posts/route.ts
 * export const POST = withAuth(kit, async (request, { auth }) => Response.json({ author: auth.userId }), { scopes: ['write:posts'] })
 * ```
 */
export function withAuth<AllowGuest extends boolean | undefined = undefined, Req extends Request = Request, C = NextRouteContext>(
  kitOrOptions: KitOrOptions,
  handler: AuthRouteHandler<AllowGuest, Req, C>,
  requirement?: WithAuthRequirement & { allowGuest?: AllowGuest },
): (request: Req, context: C) => Promise<Response>;
/**
 * The handler-first form: `withAuth(handler, { ...kitOptions, scopes, allowGuest })`,
 * or `withAuth(handler, { kit, scopes })`. Kits are shared per options. The
 * requirement keys are checked as in the other form; with `kit`, any other key
 * is a `TypeError`; kit options are checked by the kit (`allowGuest` goes to both).
 *
 * @example
 * ```ts
 * export const GET = withAuth((request, { auth }) => Response.json(auth.userId), { logtoUrl, audience, scopes: ['read:posts'] })
 * ```
 */
export function withAuth<AllowGuest extends boolean | undefined = undefined, Req extends Request = Request, C = NextRouteContext>(
  handler: AuthRouteHandler<AllowGuest, Req, C>,
  options: WithAuthRequirement & { allowGuest?: AllowGuest } & ({ kit: KitOrOptions } | AuthKitOptions),
): (request: Req, context: C) => Promise<Response>;
export function withAuth<AllowGuest extends boolean | undefined, Req extends Request, C>(
  first: KitOrOptions | AuthRouteHandler<AllowGuest, Req, C>,
  second?: AuthRouteHandler<AllowGuest, Req, C> | (WithAuthRequirement & ({ kit: KitOrOptions } | AuthKitOptions)),
  third?: WithAuthRequirement,
): (request: Req, context: C) => Promise<Response> {
  if (typeof first === 'function') {
    if (typeof second !== 'object' || second === null) throw new TypeError('logto-authkit: withAuth(handler, options) needs the kit options (or { kit })');
    const { kit, ...rest } = second as unknown as Record<string, unknown>;
    const requirement: Record<string, unknown> = {};
    const kitOptions: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (REQUIREMENT_KEYS.has(key)) requirement[key] = value;
      // The kit needs allowGuest too, to make guest contexts at all.
      if (!REQUIREMENT_KEYS.has(key) || key === 'allowGuest') kitOptions[key] = value;
    }
    const parsed = parseRequirement<RouteResolver>(requirement, PARSE);
    if (kit !== undefined) {
      const stray = Object.keys(kitOptions).find((key) => key !== 'allowGuest');
      if (stray !== undefined) throw new TypeError(`${PARSE.entry}: unknown withAuth option "${stray}" (kit options belong to createAuthKit when a kit is given)`);
    }
    return wrap(resolveKit((kit ?? kitOptions) as KitOrOptions), first, parsed);
  }
  if (typeof second !== 'function') throw new TypeError('logto-authkit: withAuth(kit, handler) needs a route handler function');
  return wrap(resolveKit(first), second, parseRequirement<RouteResolver>(third, PARSE));
}

function wrap<AllowGuest extends boolean | undefined, Req extends Request, C>(
  kit: ReturnType<typeof resolveKit>,
  handler: AuthRouteHandler<AllowGuest, Req, C>,
  requirement: Requirement<RouteResolver>,
): (request: Req, context: C) => Promise<Response> {
  return async (request, context) => {
    const auth = await kit.createAuthContext(request);
    const route = context as NextRouteContext;
    const error = await evaluateRequirement(auth, requirement, {
      resolveOrganization: (resolve) => resolve(request, route),
      context: request,
      args: async () => (await (route as Partial<NextRouteContext> | undefined)?.params) ?? {},
    });
    if (error) return authErrorToResponse(error);
    const response = await handler(request, { ...(context as C), auth: auth as AuthOf<AllowGuest> });
    return withGuestCookie(response, auth, request, kit.options.guestCookieName);
  };
}
