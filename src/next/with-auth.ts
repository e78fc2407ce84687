import { authErrorToResponse, authorize, resolveKit, type AuthKitOptions, type AuthRequirement, type AuthenticatedContext, type GuestContext, type KitOrOptions } from 'logto-authkit';
import { withGuestCookie } from './guest-cookie.js';

/** What Next.js passes a route handler as its second argument (`params` is a Promise since Next.js 15). */
export interface NextRouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/** Options of {@link withAuth}: the core's requirement, with the organization optionally read from the request. */
export interface WithAuthRequirement extends Omit<AuthRequirement, 'organization'> {
  /**
   * The organization the route addresses, or a function reading it (e.g.
   * `async (_req, { params }) => (await params).orgId`). A missing id is refused.
   * @default undefined (no organization check)
   */
  organization?: string | ((request: Request, context: NextRouteContext) => unknown);
}

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
 * `requirement`, and receives `(request, { ...context, auth })`. Otherwise the
 * answer is the error's: 401/403 JSON `{ error, error_description }` with
 * `WWW-Authenticate` and `Cache-Control: no-store`, or 503 when Logto is
 * unreachable. A new guest gets the guest cookie on the handler's response.
 *
 * The kit comes first, as with `authMiddleware`: create it once in a module of
 * your app (`lib/auth.ts`) and pass it to every route.
 *
 * @param kitOrOptions A kit from `createAuthKit`, or its options (then the kit is shared per options).
 * @param handler The route handler.
 * @param requirement Scopes (all of), anyScopes (one of), allowGuest, organization. @default {} (any signed-in caller)
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
 * or `withAuth(handler, { kit, scopes })`. Kits are shared per options.
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
    const { scopes, anyScopes, organization, kit, ...kitOptions } = second as WithAuthRequirement & { kit?: KitOrOptions } & Partial<AuthKitOptions>;
    const requirement: WithAuthRequirement = { scopes, anyScopes, organization, allowGuest: second.allowGuest };
    return wrap(resolveKit(kit ?? (kitOptions as AuthKitOptions)), first, requirement);
  }
  if (typeof second !== 'function') throw new TypeError('logto-authkit: withAuth(kit, handler) needs a route handler function');
  return wrap(resolveKit(first), second, third);
}

function wrap<AllowGuest extends boolean | undefined, Req extends Request, C>(
  kit: ReturnType<typeof resolveKit>,
  handler: AuthRouteHandler<AllowGuest, Req, C>,
  requirement: WithAuthRequirement | undefined,
): (request: Req, context: C) => Promise<Response> {
  const { organization, ...rest }: WithAuthRequirement = requirement ?? {};
  return async (request, context) => {
    const auth = await kit.createAuthContext(request);
    const addressed = typeof organization === 'function' ? await Promise.resolve().then(() => organization(request, context as NextRouteContext)).catch(() => undefined) : organization;
    // An id that cannot be read becomes '' so the core refuses it (fail closed).
    const needs: AuthRequirement = organization === undefined ? rest : { ...rest, organization: typeof addressed === 'string' ? addressed : '' };
    const error = authorize(auth, needs);
    if (error) return authErrorToResponse(error);
    const response = await handler(request, { ...(context as C), auth: auth as AuthOf<AllowGuest> });
    return withGuestCookie(response, auth, request, kit.options.guestCookieName);
  };
}
