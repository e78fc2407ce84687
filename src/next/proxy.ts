import { authErrorToResponse, resolveKit, type KitOrOptions } from 'logto-authkit';

/** Options of {@link createAuthProxy}. */
export interface AuthProxyOptions {
  /**
   * Which paths need a signed-in visitor: path prefixes (`'/dashboard'` covers
   * `/dashboard` and `/dashboard/…`, not `/dashboards`), or a predicate on the
   * decoded pathname.
   */
  protect: readonly string[] | ((pathname: string) => boolean);
  /** Where signed-out visitors are sent: a path (`'/sign-in'`) or an absolute URL. Must not itself be protected. */
  redirectTo: string;
}

/** A Next.js proxy (Next.js 16 `proxy.ts`) or middleware (Next.js 15 `middleware.ts`): a redirect, an error, or `undefined` to go on. */
export type AuthProxy = (request: Request) => Promise<Response | undefined>;

const prefixMatcher = (prefixes: readonly string[]) => {
  for (const prefix of prefixes) {
    if (typeof prefix !== 'string' || !prefix.startsWith('/')) throw new TypeError('logto-authkit: createAuthProxy option "protect" must list paths starting with "/"');
  }
  const normalized = prefixes.map((prefix) => (prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix));
  return (pathname: string): boolean =>
    normalized.some((prefix) => prefix === '/' || pathname === prefix || pathname.startsWith(`${prefix}/`));
};

/**
 * The pathname the router will match: percent-decoded, repeated slashes
 * collapsed. A protected page must not be reachable as `/%64ashboard` or
 * `//dashboard`. `undefined` when it cannot be decoded (then it is treated as protected).
 */
function routedPathname(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/');
  } catch {
    return undefined;
  }
}

/**
 * A Next.js proxy that sends signed-out visitors of protected pages to
 * `redirectTo` (307, like `NextResponse.redirect`) and lets signed-in ones
 * through (`undefined`, i.e. `NextResponse.next()`). Other refusals keep their
 * meaning: Logto unreachable is a 503 (never "sign in again"), a cross-site
 * unsafe request with a cookie token a 403. Uses only Fetch APIs and imports
 * nothing from `node:`, so it runs in Next.js 16's `proxy.ts` (Node.js), in
 * Next.js 15's `middleware.ts` (edge) and in `runtime = 'edge'` route handlers.
 *
 * @param kitOrOptions A kit from `createAuthKit`, or its options (then the kit is shared per options).
 * @throws TypeError at construction when `protect` or `redirectTo` is invalid, or `redirectTo` is itself protected.
 * @example
 * ```ts
 * // proxy.ts
 * import { createAuthProxy } from 'logto-authkit/next'
 * import { kit } from './lib/auth'
 * export const proxy = createAuthProxy(kit, { protect: ['/dashboard'], redirectTo: '/sign-in' })
 * export const config = { matcher: ['/dashboard/:path*'] }
 * ```
 */
export function createAuthProxy<TClaims>(kitOrOptions: KitOrOptions<TClaims>, options: AuthProxyOptions): AuthProxy {
  const kit = resolveKit(kitOrOptions);
  const { protect, redirectTo } = options;
  const isProtected = typeof protect === 'function' ? protect : Array.isArray(protect) ? prefixMatcher(protect) : undefined;
  if (!isProtected) throw new TypeError('logto-authkit: createAuthProxy option "protect" must be a list of paths or a function');
  if (typeof redirectTo !== 'string' || redirectTo === '') throw new TypeError('logto-authkit: createAuthProxy option "redirectTo" must be a path or URL');
  const target = new URL(redirectTo, 'http://placeholder.invalid');
  if (redirectTo.startsWith('/') && !redirectTo.startsWith('//') && isProtected(target.pathname)) {
    // Sending a signed-out visitor to a protected page would loop forever.
    throw new TypeError('logto-authkit: createAuthProxy option "redirectTo" must not be a protected path');
  }

  return async (request) => {
    const url = new URL(request.url);
    const pathname = routedPathname(url);
    if (pathname !== undefined && !isProtected(pathname)) return undefined;
    const auth = await kit.createAuthContext(request);
    if (auth.status === 'authenticated') return undefined;
    const error = auth.error;
    if (error && error.status !== 401) return authErrorToResponse(error);
    return new Response(null, { status: 307, headers: { location: new URL(redirectTo, url).toString(), 'cache-control': 'no-store' } });
  };
}
