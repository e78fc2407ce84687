import { buildGuestCookieHeader, resolveKit, whenAuthenticated, type AuthContext, type AuthInput, type KitOrOptions } from 'logto-authkit';
import type { Request, RequestHandler } from 'express';
import { requireAuth, type RequireAuthOptions } from './require-auth.js';

declare global {
  // Declaration merging is how Express types what middleware adds to `req`.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `authMiddleware()`: who is calling. `undefined` on routes it does not cover. */
      auth?: AuthContext;
    }
  }
}

/**
 * Whether the connection to this server is TLS, as Express decides it:
 * `req.secure` honours `X-Forwarded-Proto` only when the app set `trust proxy`,
 * so a client cannot talk us into (or out of) `Secure` on its own.
 */
const isSecure = (req: Request): boolean => req.secure === true || (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;

/**
 * What the core reads from an Express request. `cookies` is left out on purpose:
 * the core parses the `Cookie` header itself, so the result is the same with or
 * without cookie-parser (which decodes values and turns `j:` cookies into objects).
 */
const inputOf = (req: Request): AuthInput => ({
  headers: req.headers,
  rawHeaders: req.rawHeaders,
  method: req.method,
  url: req.originalUrl,
  socket: req.socket as { encrypted?: boolean },
});

/**
 * Express middleware that sets `req.auth` on every request it covers. It never
 * answers by itself for an authentication failure (public routes keep working;
 * `req.auth.error` says why there is no user); protect routes with `requireAuth()`.
 * When the kit has `allowGuest` and made a new guest id, it sets the guest cookie
 * (`HttpOnly; SameSite=Lax`, `Secure` when `req.secure`, 400 days).
 *
 * With `requirement`, it is `authMiddleware()` and `requireAuth(requirement)` in one layer: the
 * same checks in the same order, one Express layer (and one `next()`) fewer per request.
 *
 * @param kitOrOptions A kit from `createAuthKit`, or its options (then the kit is shared per options).
 * @param requirement What `requireAuth()` would check; `{}` asks only for a signed-in user.
 * @default requirement undefined (set `req.auth`, let every request through)
 * @example
 * ```ts
 * const app = express()
 * app.use(authMiddleware({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' }))
 * app.get('/me', requireAuth(), (req, res) => res.json({ userId: req.auth?.userId }))
 * // or, one layer per protected route:
 * app.get('/posts', authMiddleware(kit, { scopes: ['read:posts'] }), listPosts)
 * ```
 */
export function authMiddleware(kitOrOptions: KitOrOptions, requirement?: RequireAuthOptions): RequestHandler {
  const kit = resolveKit(kitOrOptions);
  const guard = requirement === undefined ? undefined : requireAuth(requirement);
  const guestCookieName = kit.options.guestCookieName;
  return (req, res, next) => {
    const done = (auth: AuthContext): void => {
      req.auth = auth;
      if (auth.status === 'guest' && auth.isNewGuest) {
        res.append('Set-Cookie', buildGuestCookieHeader(auth.guestId, { name: guestCookieName, secure: isSecure(req) }));
      }
      if (guard) guard(req, res, next);
      else next();
    };
    // A cached token is answered in this tick: no promise, no microtask before the route runs.
    // Only programming errors reach `next(error)`: auth failures resolve to a context.
    whenAuthenticated(kit, inputOf(req), done, next);
  };
}
