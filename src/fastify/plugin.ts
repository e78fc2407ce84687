import { buildGuestCookieHeader, resolveKit, whenAuthenticated, type AuthContext, type KitOrOptions } from 'logto-authkit';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `logtoAuthPlugin`: who is calling. `undefined` where the plugin is not registered. */
    auth?: AuthContext;
  }
}

/** Options of {@link logtoAuthPlugin}. */
export interface LogtoAuthPluginOptions {
  /** A kit from `createAuthKit`, or its options (then the kit is shared per options). Required. */
  kit: KitOrOptions;
}

async function register(app: FastifyInstance, options: LogtoAuthPluginOptions): Promise<void> {
  if (typeof options !== 'object' || options === null || options.kit === undefined) {
    throw new TypeError('logto-authkit/fastify: register the plugin with a kit: app.register(logtoAuthPlugin, { kit: createAuthKit({ logtoUrl, audience }) })');
  }
  const kit = resolveKit(options.kit);
  const guestCookieName = kit.options.guestCookieName;
  app.decorateRequest('auth', undefined);
  // Callback style, not async: a cached token is answered before the hook returns, so Fastify goes on
  // to the route in the same tick (an async hook always costs a promise and a microtask).
  app.addHook('onRequest', (request, reply, done) => {
    const settle = (auth: AuthContext): void => {
      request.auth = auth;
      if (auth.status === 'guest' && auth.isNewGuest) {
        // `request.protocol` honours X-Forwarded-Proto only with Fastify's `trustProxy`.
        reply.header('set-cookie', buildGuestCookieHeader(auth.guestId, { name: guestCookieName, secure: request.protocol === 'https' }));
      }
      done();
    };
    // The Node request itself: the core reads its headers and socket (TLS) as for any Node server.
    whenAuthenticated(kit, request.raw, settle, (error) => done(error as Error));
  });
}

/**
 * Fastify plugin that sets `request.auth` on every request of the app (typed by
 * declaration merging). It never answers by itself for an authentication
 * failure (public routes keep working); protect routes with `requireAuth()`.
 * With `allowGuest`, a new guest gets the guest cookie (`HttpOnly; SameSite=Lax`,
 * `Secure` on https, 400 days).
 *
 * It applies to the whole app, not only to its own encapsulation context: it
 * carries the `skip-override` mark `fastify-plugin` would set, without a runtime
 * dependency on it.
 *
 * @example
 * ```ts
 * const app = Fastify()
 * await app.register(logtoAuthPlugin, { kit })
 * app.get('/me', { preHandler: requireAuth() }, (request) => ({ userId: request.auth?.userId }))
 * ```
 */
export const logtoAuthPlugin: FastifyPluginAsync<LogtoAuthPluginOptions> = Object.assign(register, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'logto-authkit',
  [Symbol.for('plugin-meta')]: { name: 'logto-authkit', fastify: '5.x' },
});
