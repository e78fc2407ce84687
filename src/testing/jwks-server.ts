import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startJWKSServer}. */
export interface JWKSServerOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** The body of `GET /oidc/jwks`, asked for on every request. A string is sent verbatim (malformed-body tests). */
  jwks: () => unknown;
  /** The algorithm advertised in discovery's `id_token_signing_alg_values_supported`. @default 'ES384' */
  alg?: string;
}

/** A running loopback server publishing a Logto tenant's JWKS and discovery document. */
export interface JWKSServer {
  /** `http://127.0.0.1:<port>`, the tenant endpoint. */
  readonly logtoUrl: string;
  readonly port: number;
  /** Number of `GET /oidc/jwks` requests answered so far. */
  readonly jwksRequests: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serves `GET /oidc/jwks` and `GET /oidc/.well-known/openid-configuration` on
 * 127.0.0.1 with the headers a real Logto sends: `application/jwk-set+json;
 * charset=utf-8`, `access-control-allow-origin: *` and **no** `cache-control`
 * (captured from Logto 1.37), so a verifier cannot lean on HTTP caching.
 *
 * @example
 * ```ts
 * const server = await startJWKSServer({ jwks: () => ({ keys: [] }) });
 * await fetch(`${server.logtoUrl}/oidc/jwks`);
 * await server.close();
 * ```
 */
export async function startJWKSServer(options: JWKSServerOptions): Promise<JWKSServer> {
  let jwksRequests = 0;
  let logtoUrl = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'application/json; charset=utf-8', JSON.stringify({ error: 'method_not_allowed' }));
    } else if (path === '/oidc/jwks') {
      jwksRequests += 1;
      const jwks = options.jwks();
      send(200, 'application/jwk-set+json; charset=utf-8', typeof jwks === 'string' ? jwks : JSON.stringify(jwks));
    } else if (path === '/oidc/.well-known/openid-configuration') {
      send(200, 'application/json; charset=utf-8', JSON.stringify(discovery(logtoUrl, options.alg ?? 'ES384')));
    } else {
      send(404, 'application/json; charset=utf-8', JSON.stringify({ error: 'not_found' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  logtoUrl = `http://127.0.0.1:${port}`;
  return {
    logtoUrl,
    port,
    get jwksRequests() {
      return jwksRequests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Discovery shaped like Logto's; only `jwks` is served here, the other endpoints are for completeness. */
function discovery(logtoUrl: string, alg: string): Record<string, unknown> {
  const issuer = `${logtoUrl}/oidc`;
  return {
    authorization_endpoint: `${issuer}/auth`,
    code_challenge_methods_supported: ['S256'],
    end_session_endpoint: `${issuer}/session/end`,
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    issuer,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code id_token', 'code', 'id_token', 'none'],
    scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'urn:logto:scope:organizations'],
    subject_types_supported: ['public'],
    token_endpoint: `${issuer}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    id_token_signing_alg_values_supported: [alg],
    userinfo_endpoint: `${issuer}/me`,
    introspection_endpoint: `${issuer}/token/introspection`,
    revocation_endpoint: `${issuer}/token/revocation`,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  };
}
