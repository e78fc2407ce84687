/**
 * `startDemo`: the local Logto-shaped OpenID provider, and one server on
 * 127.0.0.1 with the page, the tRPC API, the GraphQL API and the receiver of
 * the provider's back-channel logout. The page signs in with `@logto/browser`
 * and sends the access token as a Bearer header.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthKit, createBackchannelLogoutHandler, createMemoryRevocationStore, toNodeHandler } from 'logto-authkit';
import { startOidcProvider, type OidcStandIn } from '../../test/helpers/oidc-provider.js';
import { createDemoYoga } from './graphql-api.js';
import { bundlePageScript, pageHTML } from './page.js';
import { createPostStore } from './posts.js';
import { createDemoTRPCHandler } from './trpc-api.js';

/** The API resource indicator the page asks a token for (the stand-in tenant's `https://api.example.test`). */
export const DEMO_RESOURCE = 'https://api.example.test';
/** The API scopes the page asks for (`@logto/browser` adds openid, offline_access and profile); `admin` is left out so a signed-in user can see a 403 elsewhere. */
export const DEMO_SCOPES = ['read:posts', 'write:posts'];
/** Where the provider POSTs its back-channel logout token (OIDC Back-Channel Logout 1.0). */
export const BACKCHANNEL_LOGOUT_PATH = '/backchannel-logout';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Port of the page and the APIs. @default 0 (a free port) */
  port?: number;
  /** Port of the OpenID provider. @default 0 (a free port) */
  oidcPort?: number;
  /** Lifetime of access tokens, in seconds; a few seconds show the SDK refreshing. @default 3600 (Logto's default) */
  accessTokenTTL?: number;
}

/** A running demo. */
export interface Demo {
  /** The page to open: `http://127.0.0.1:<port>/`. */
  url: string;
  /** The provider, for machine tokens (`oidc.clientCredentialsToken`). */
  oidc: OidcStandIn;
  /** The `sub` of each back-channel logout the demo's receiver accepted, in order. */
  logouts: string[];
  close(): Promise<void>;
}

/** Thrown when a port the demo needs is taken; the message names the variable that moves it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`port ${port} is already in use; set ${variable} to another port (e.g. ${variable}=${port + 10})`);
    this.name = 'PortInUseError';
  }
}

const inUse = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(inUse(error) ? new PortInUseError(port, 'DEMO_PORT') : error));
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

// The page is the OAuth client: its origin must be exactly the registered redirect URI's.
const PAGE_HEADERS = (issuerOrigin: string) => ({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'self'; connect-src 'self' ${issuerOrigin}; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
  // The callback URL carries the authorization code (RFC 9700 §4.2.4).
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
});

/**
 * Starts the provider and the demo server on 127.0.0.1.
 *
 * @throws PortInUseError naming `DEMO_PORT` or `OIDC_PORT` when a port is taken.
 * @example
 * ```ts
 * const demo = await startDemo({ port: 3000, oidcPort: 3001 })
 * console.log(`open ${demo.url}`)
 * await demo.close()
 * ```
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const script = await bundlePageScript();
  let route: RequestListener = (_req, res) => void res.writeHead(503).end();
  const server = createServer((req, res) => route(req, res));
  const port = await listen(server, options.port ?? 0);
  const origin = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  let oidc: OidcStandIn;
  try {
    oidc = await startOidcProvider({
      port: options.oidcPort ?? 0,
      redirectUris: [`${origin}/callback`],
      postLogoutRedirectUris: [`${origin}/`],
      backchannelLogoutUri: `${origin}${BACKCHANNEL_LOGOUT_PATH}`,
      ...(options.accessTokenTTL === undefined ? {} : { accessTokenTTL: options.accessTokenTTL }),
    });
  } catch (error) {
    await stop();
    throw inUse(error) ? new PortInUseError(options.oidcPort ?? 0, 'OIDC_PORT') : error;
  }

  // Sign-out at the provider reaches the APIs through the back-channel logout: tokens issued
  // before it to that user are refused from then on (docs/logto.md, "Sign-out and back-channel logout").
  const kit = createAuthKit({ logtoUrl: oidc.logtoUrl, audience: DEMO_RESOURCE, allowGuest: true, revocation: createMemoryRevocationStore() });
  const logouts: string[] = [];
  const backchannel = toNodeHandler(createBackchannelLogoutHandler({ kit, clientId: oidc.spa.clientId, onRevoked: ({ sub }) => void logouts.push(sub ?? '') }));
  const posts = createPostStore();
  const trpc = createDemoTRPCHandler(kit, posts);
  const yoga = createDemoYoga(kit, posts);
  const html = pageHTML({ logtoUrl: oidc.logtoUrl, issuer: oidc.issuer, clientId: oidc.spa.clientId, resource: DEMO_RESOURCE, scopes: DEMO_SCOPES });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { pathname } = new URL(req.url ?? '/', origin);
    if (pathname.startsWith('/trpc/')) return trpc(req, res);
    if (pathname === '/graphql') return void (await yoga(req, res));
    if (pathname === BACKCHANNEL_LOGOUT_PATH) return void (await backchannel(req, res));
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (pathname === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    if (pathname !== '/' && pathname !== '/callback') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    // Opened as localhost: move to the registered origin, or the callback would land on another origin.
    if (req.headers.host !== `127.0.0.1:${port}`) return void res.writeHead(302, { location: `${origin}${req.url ?? '/'}` }).end();
    res.writeHead(200, PAGE_HEADERS(oidc.logtoUrl)).end(html);
  };
  route = (req, res) =>
    void handle(req, res).catch((error: unknown) => {
      console.error('demo: request failed', error);
      if (!res.headersSent) res.writeHead(500).end();
    });

  return {
    url: `${origin}/`,
    oidc,
    logouts,
    async close() {
      kit.close();
      await Promise.all([stop(), oidc.close()]);
    },
  };
}
