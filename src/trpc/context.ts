/**
 * `createContext` for every tRPC adapter: read the request whatever its shape
 * and return `{ auth }`. Never throws for an auth failure: a throwing
 * `createContext` fails every procedure of the request (public ones too) and
 * makes a WebSocket client reconnect in a loop.
 */
import { buildGuestCookieHeader, createConnectionAuthContext, upgradeRequestInput, type AuthContext, type AuthInput, type AuthKit } from 'logto-authkit';
import { registerContext } from './subscriptions.js';

/** The context `createTRPCContext` builds: pass its type to `initTRPC.context<…>()`. */
export interface TRPCAuthContext<TClaims = Record<string, unknown>> {
  auth: AuthContext<TClaims>;
}

/**
 * What any tRPC adapter hands `createContext`: `req` (a Fetch `Request`, a Node
 * `IncomingMessage`, Express/Fastify/Next.js requests), `event` (AWS Lambda),
 * `res` or `resHeaders`, and `info.connectionParams` (WebSocket, SSE).
 */
export interface TRPCContextInput {
  req?: unknown;
  event?: unknown;
  res?: unknown;
  resHeaders?: unknown;
  info?: { connectionParams?: unknown } | undefined;
}

/** Options of {@link createTRPCContext}. */
export interface CreateTRPCContextOptions {
  /** Set the guest cookie when a new guest id was made (`allowGuest`), where the adapter lets headers be set. @default true */
  guestCookie?: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function headerOf(req: Record<string, unknown>, name: string): unknown {
  const headers = req.headers;
  if (headers instanceof Headers) return headers.get(name);
  return isObject(headers) ? headers[name] : undefined;
}

const isUpgrade = (req: Record<string, unknown>): boolean => {
  const upgrade = headerOf(req, 'upgrade');
  return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket';
};

/** The request as the core reads it (a WebSocket's upgrade judged as a state-changing request), or `undefined` when the adapter gave none. */
function requestInput(opts: TRPCContextInput): AuthInput | undefined {
  const req = opts.req ?? opts.event;
  if (req instanceof Request) return req;
  if (!isObject(req) || !isObject(req.headers)) return undefined;
  return isUpgrade(req) ? upgradeRequestInput(req) : (req as unknown as AuthInput);
}

function isSecure(req: unknown): boolean {
  if (req instanceof Request) return req.url.startsWith('https:');
  return isObject(req) && isObject(req.socket) && req.socket.encrypted === true;
}

function setCookie(opts: TRPCContextInput, value: string): void {
  if (opts.resHeaders instanceof Headers) return opts.resHeaders.append('set-cookie', value);
  // Node's ServerResponse (standalone, Express, Next.js pages) or Fastify's reply.raw;
  // a WebSocket (the ws adapter's `res`) has neither, and an upgrade cannot carry cookies.
  for (const res of [opts.res, isObject(opts.res) ? opts.res.raw : undefined]) {
    if (isObject(res) && typeof res.appendHeader === 'function' && res.headersSent !== true) {
      res.appendHeader('set-cookie', value);
      return;
    }
  }
}

/**
 * Build a tRPC `createContext` from a kit. Works with every adapter's options
 * (standalone/node:http, Express, Fastify, fetch, Next.js, AWS Lambda, WebSocket).
 * The token comes from `info.connectionParams` when they carry one (wsLink's or
 * httpSubscriptionLink's `connectionParams`: `{ token }` or
 * `{ authorization: 'Bearer …' }`, the contract graphql-ws shares), else from
 * the request's cookie or `Authorization` header (for a WebSocket, the upgrade
 * request's, with its `Origin` checked). Every call on a WebSocket re-verifies
 * the connection's token, so a logout reaches an open socket.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' })
 * export const createContext = createTRPCContext(kit)
 * const t = initTRPC.context<typeof createContext>().create()
 * createHTTPServer({ router, createContext, responseMeta: authResponseMeta })
 * ```
 */
export function createTRPCContext<TClaims = Record<string, unknown>>(
  kit: AuthKit<TClaims>,
  options: CreateTRPCContextOptions = {},
): (opts: TRPCContextInput) => Promise<TRPCAuthContext<TClaims>> {
  const guestCookie = options.guestCookie ?? true;
  return async (opts) => {
    const connectionParams = isObject(opts) && isObject(opts.info) ? opts.info.connectionParams : undefined;
    const request = isObject(opts) ? requestInput(opts) : undefined;
    // Without connection params (every plain HTTP request) the request itself is read, as
    // createConnectionAuthContext would: `authenticate` answers a cached token in this tick, with no promise to wait for.
    const pending = connectionParams === undefined || connectionParams === null ? kit.authenticate(request ?? '') : createConnectionAuthContext(kit, { connectionParams, request });
    const verified = pending instanceof Promise ? await pending : pending;
    // A WebSocket's context serves every call of the socket: those calls re-verify it.
    const webSocket = isObject(opts) && isObject(opts.req) && isUpgrade(opts.req);
    const auth: AuthContext<TClaims> = registerContext(verified, kit, webSocket);
    if (guestCookie && auth.status === 'guest' && auth.isNewGuest) {
      setCookie(opts, buildGuestCookieHeader(auth.guestId, { name: kit.options.guestCookieName, secure: isSecure(opts.req) }));
    }
    return { auth };
  };
}
