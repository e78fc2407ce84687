import { buildGuestCookieHeader, resolveKit, type AuthContext, type KitOrOptions } from 'logto-authkit';
import type { MiddlewareHandler } from 'hono';

/** The Hono environment `logtoAuth()` provides: `c.var.auth`. */
export interface LogtoAuthEnv {
  Variables: {
    /** Who is calling; set on every request `logtoAuth()` covers. */
    auth: AuthContext;
  };
}

/**
 * Hono middleware that sets `c.var.auth` on every request it covers. It never
 * answers by itself for an authentication failure (public routes keep working;
 * `c.var.auth.error` says why there is no user); protect routes with `requireAuth()`.
 * With `allowGuest`, a new guest id is written back as the guest cookie
 * (`HttpOnly; SameSite=Lax`, `Secure` on https, 400 days).
 *
 * Types only are imported from Hono: the middleware is plain Fetch, so it runs
 * wherever Hono does (Node, Bun, Deno, Workers).
 *
 * @param kitOrOptions A kit from `createAuthKit`, or its options (then the kit is shared per options).
 * @example
 * ```ts
 * const app = new Hono<LogtoAuthEnv>()
 * app.use(logtoAuth(kit))
 * app.get('/me', requireAuth(), (c) => c.json({ userId: c.var.auth.userId }))
 * ```
 */
export function logtoAuth(kitOrOptions: KitOrOptions): MiddlewareHandler<LogtoAuthEnv> {
  const kit = resolveKit(kitOrOptions);
  const guestCookieName = kit.options.guestCookieName;
  return async (c, next) => {
    // A cached token is answered in this tick: no await before the route runs.
    const pending = kit.authenticate(c.req.raw);
    const auth = pending instanceof Promise ? await pending : pending;
    c.set('auth', auth);
    await next();
    if (auth.status === 'guest' && auth.isNewGuest) {
      const secure = new URL(c.req.url).protocol === 'https:';
      c.res.headers.append('Set-Cookie', buildGuestCookieHeader(auth.guestId, { name: guestCookieName, secure }));
    }
  };
}
