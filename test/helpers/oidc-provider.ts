import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/** A real `oidc-provider` (the engine Logto is built on) configured like a Logto tenant, on 127.0.0.1. */
export interface OidcStandIn {
  /** `http://127.0.0.1:<port>`; `issuer` is `${logtoUrl}/oidc`. */
  logtoUrl: string;
  issuer: string;
  jwksUrl: string;
  port: number;
  /** The registered API resource indicators. */
  resources: string[];
  /** The confidential machine-to-machine client (client_secret_basic, client_credentials). */
  m2m: { clientId: string; clientSecret: string };
  /** The public SPA client (authorization_code + PKCE S256, refresh_token, no secret). */
  spa: { clientId: string };
  /** POSTs `/oidc/token` with `client_credentials` as the m2m client and returns the access token; throws on an error answer. */
  clientCredentialsToken(opts: { resource: string; scope?: string; organizationId?: string }): Promise<string>;
  /** Puts a new ES384 key first (it signs from now on); older keys stay published. */
  rotateKeys(): Promise<void>;
  /** Every successful token request, in order: what Logto's SDKs asked for (a refresh with `resource`, an organization token…). */
  tokenRequests: TokenRequest[];
  /** Failed back-channel logout deliveries (the provider only emits them as events, so a test would not notice otherwise). */
  backchannelErrors: unknown[];
  /** The current `Provider` instance (replaced by {@link OidcStandIn.rotateKeys}). */
  provider: unknown;
  close(): Promise<void>;
}

/** Options of {@link startOidcProvider}. */
export interface OidcStandInOptions {
  /** Resource indicator → space-separated scopes. @default DEFAULT_RESOURCES */
  resources?: Record<string, string>;
  /** Extra client metadata objects, registered after the m2m and SPA clients. */
  clients?: object[];
  /** @default 0 (a free port) */
  port?: number;
  /** The SPA client's `backchannel_logout_uri` (with `backchannel_logout_session_required`, so `sid` is sent). */
  backchannelLogoutUri?: string;
  /** The SPA client's `redirect_uris`. @default ['http://127.0.0.1:3000/callback'] */
  redirectUris?: string[];
  /** The SPA client's `post_logout_redirect_uris`. @default redirectUris */
  postLogoutRedirectUris?: string[];
  /** Lifetime of every access token, in seconds (Logto's default is 3600). A test of refreshing sets a few seconds. @default 3600 */
  accessTokenTTL?: number;
  /**
   * Organization id → the user ids (`sub`) that are members. When given, an
   * organization token for a non-member is refused (as Logto does) and the ID
   * token of a user with `urn:logto:scope:organizations` lists its organizations.
   * @default undefined (every user may get a token for any organization)
   */
  organizations?: Record<string, string[]>;
  /** Space-separated organization permissions (scopes of `urn:logto:resource:organizations`). @default ORGANIZATION_SCOPES */
  organizationScopes?: string;
}

/** One successful `/oidc/token` request (see {@link OidcStandIn.tokenRequests}). */
export interface TokenRequest {
  grantType: string;
  clientId: string;
  resource?: string;
  organizationId?: string;
}

/** Logto's reserved resource for organization tokens (`@logto/js` `ReservedResource.Organization`). */
export const ORGANIZATION_RESOURCE = 'urn:logto:resource:organizations';
/** Logto's scope that lets a user ask for organization tokens (`@logto/js` `UserScope.Organizations`). */
export const ORGANIZATIONS_SCOPE = 'urn:logto:scope:organizations';
export const ORGANIZATION_SCOPES = 'read:members invite:members';

export const DEFAULT_RESOURCES: Record<string, string> = {
  'https://api.example.test': 'read:posts write:posts admin',
  'https://other.example.test': 'read:other',
};
const ORGANIZATION_AUDIENCE_PREFIX = 'urn:logto:organization:';
/** The token endpoint drops unknown parameters from ctx.oidc.params, so the raw body is read too. */
function organizationIdOf(ctx: KoaContextWithOIDC): string | undefined {
  const value = ctx.oidc.body?.organization_id ?? ctx.oidc.params?.organization_id;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'];
const DAY = 86_400;
// Known, deliberate warnings: v9 wants Node 22 but runs on 20 (docs/logto.md); the
// in-memory adapter and dev sign-in pages are exactly what a test tenant uses.
const EXPECTED_WARNINGS = /Unsupported runtime|in-memory adapter is used|devInteractions is enabled/;

/** Runs `fn` with oidc-provider's expected warnings muted; any other console.warn still prints. */
async function quietly<T>(fn: () => T | Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!EXPECTED_WARNINGS.test(String(args[0]))) warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

async function es384Key(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES384', { extractable: true });
  const jwk = await exportJWK(privateKey);
  // Logto's kid is the RFC 7638 thumbprint; EC keys carry alg.
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES384', use: 'sig' };
}

/**
 * Starts the stand-in tenant (see docs/logto.md "A faithful local stand-in").
 *
 * @example
 * ```ts
 * const op = await startOidcProvider();
 * const token = await op.clientCredentialsToken({ resource: 'https://api.example.test', scope: 'read:posts' });
 * await op.close();
 * ```
 */
export async function startOidcProvider(opts: OidcStandInOptions = {}): Promise<OidcStandIn> {
  const resources = opts.resources ?? DEFAULT_RESOURCES;
  const m2m = { clientId: 'm2m-app', clientSecret: `m2m-secret-${randomBytes(16).toString('hex')}` };
  const spa = { clientId: 'spa-app' };
  const redirectUris = opts.redirectUris ?? ['http://127.0.0.1:3000/callback'];
  const accessTokenTTL = opts.accessTokenTTL ?? 3600;
  const organizationScopes = opts.organizationScopes ?? ORGANIZATION_SCOPES;
  const tokenRequests: TokenRequest[] = [];
  // Fixed across rotations so sessions and interactions survive a new Provider.
  const cookieKeys = [randomBytes(32).toString('hex')];
  let keys = [await es384Key()];
  let provider: Provider | undefined;
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (!handle || !(url === '/oidc' || url.startsWith('/oidc/') || url.startsWith('/oidc?'))) {
      res.writeHead(404).end();
      return;
    }
    // Mounted like connect's app.use('/oidc', …): the provider derives its mount path from originalUrl.
    Object.assign(req, { originalUrl: url });
    req.url = url.slice('/oidc'.length) || '/';
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const logtoUrl = `http://127.0.0.1:${port}`;
  const issuer = `${logtoUrl}/oidc`;

  const clients = [
    { client_id: m2m.clientId, client_secret: m2m.clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
    {
      client_id: spa.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: redirectUris,
      post_logout_redirect_uris: opts.postLogoutRedirectUris ?? redirectUris,
      ...(opts.backchannelLogoutUri ? { backchannel_logout_uri: opts.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    },
    ...(opts.clients ?? []),
  ];

  const organizationsOf = (sub: string): string[] =>
    Object.entries(opts.organizations ?? {}).filter(([, members]) => members.includes(sub)).map(([id]) => id);

  const { default: OidcProvider, errors } = await quietly(() => import('oidc-provider'));
  const build = (): Provider =>
    // Copies: the provider consumes its configuration, and a rotation reuses it.
    new OidcProvider(issuer, {
      clients: structuredClone(clients),
      jwks: { keys: structuredClone(keys) },
      cookies: { keys: cookieKeys },
      findAccount: (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: () => ({ sub, name: `User ${sub}`, username: sub, email: `${sub}@example.test`, email_verified: true, organizations: organizationsOf(sub) }),
      }),
      // Logto's defaults: 1 h tokens, 14-day sessions, 180-day grants; explicit, so no "default ttl" notices.
      ttl: { AccessToken: accessTokenTTL, AuthorizationCode: 60, ClientCredentials: accessTokenTTL, IdToken: 3600, Interaction: 3600, RefreshToken: 14 * DAY, Session: 14 * DAY, Grant: 180 * DAY },
      claims: { openid: ['sub'], profile: ['name', 'username'], email: ['email', 'email_verified'], [ORGANIZATIONS_SCOPE]: ['organizations'] },
      // Real Logto answers a refresh with the same refresh token (test/fixtures/real-logto/code-flow-tokens.json):
      // it rotates only once 70% of the token's lifetime has passed, for public clients too.
      rotateRefreshToken: (ctx: KoaContextWithOIDC) => (ctx.oidc.entities.RefreshToken?.ttlPercentagePassed() ?? 0) >= 70,
      // As Logto: the ID token carries the claims of the granted scopes (name, username, organizations…), not only userinfo.
      conformIdTokenClaims: false,
      // Logto's SDKs always ask for offline_access (with prompt=consent) and get a refresh token; revoking it is part of their signOut().
      scopes: ['openid', 'offline_access', ORGANIZATIONS_SCOPE],
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: { enabled: true },
        // A client revokes only its own tokens (oidc-provider's default policy, explicit so it does not print a notice).
        revocation: { enabled: true, allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId },
        resourceIndicators: {
          enabled: true,
          // Logto issues an opaque token when no resource is asked for, never a default audience; but a
          // refresh with organization_id and no resource is Logto's organization token request (@logto/js
          // getOrganizationToken sends exactly that), served by the reserved organization resource.
          defaultResource: (ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) =>
            oneOf?.includes(ORGANIZATION_RESOURCE) && organizationIdOf(ctx) !== undefined ? ORGANIZATION_RESOURCE : undefined,
          useGrantedResource: (ctx: KoaContextWithOIDC, model: { resource?: string | string[] }) =>
            model.resource !== ORGANIZATION_RESOURCE || organizationIdOf(ctx) !== undefined,
          getResourceServerInfo: (ctx: KoaContextWithOIDC, indicator: string) => {
            const jwt = { accessTokenTTL, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES384' } } } as const;
            if (indicator === ORGANIZATION_RESOURCE) {
              const organizationId = organizationIdOf(ctx);
              // At the authorization request no organization is named yet; a token is always for one.
              if (organizationId === undefined) return { scope: organizationScopes, ...jwt };
              const sub = ctx.oidc.entities.Account?.accountId;
              const members = opts.organizations?.[organizationId];
              if (opts.organizations && (sub === undefined || !members?.includes(sub))) throw new errors.AccessDenied('user is not a member of the organization');
              return { scope: organizationScopes, audience: `${ORGANIZATION_AUDIENCE_PREFIX}${organizationId}`, ...jwt };
            }
            const scope = resources[indicator];
            if (scope === undefined) throw new errors.InvalidTarget();
            return { scope, ...jwt };
          },
        },
      },
      // v9's default idTokenSigningAlgValues omits ES384, Logto's default key.
      enabledJWA: { idTokenSigningAlgValues: ALGORITHMS },
      clientDefaults: { id_token_signed_response_alg: 'ES384' },
      // As Logto does for SPAs: browser calls to the token endpoint are allowed from the redirect URIs' origins.
      clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris?: string[] }) =>
        (client.redirectUris ?? []).some((uri) => new URL(uri).origin === origin),
      extraParams: ['organization_id'],
      // Logto adds organization_id to API tokens requested with a resource and an organization;
      // an organization token (aud urn:logto:organization:<id>) carries no organization_id claim.
      extraTokenClaims: (ctx: KoaContextWithOIDC | undefined, token: { resourceServer?: { identifier(): string } }) => {
        const organizationId = ctx ? organizationIdOf(ctx) : undefined;
        if (token.resourceServer?.identifier() === ORGANIZATION_RESOURCE) return undefined;
        return organizationId !== undefined ? { organization_id: organizationId } : undefined;
      },
      // The provider's SSRF guard refuses loopback; back-channel logout here POSTs to 127.0.0.1.
      fetch: (url: string | URL, init: RequestInit & { dispatcher?: unknown }) => {
        const { dispatcher: _ssrfGuard, ...rest } = init;
        return globalThis.fetch(url, rest);
      },
    });

  const backchannelErrors: unknown[] = [];
  const install = async (): Promise<void> => {
    provider = await quietly(build);
    provider.on('backchannel.error', (_ctx, error) => backchannelErrors.push(error));
    provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
      const { params, client } = ctx.oidc;
      const resource = typeof params?.resource === 'string' ? params.resource : undefined;
      const organizationId = organizationIdOf(ctx);
      tokenRequests.push({ grantType: String(params?.grant_type), clientId: client?.clientId ?? '', ...(resource ? { resource } : {}), ...(organizationId ? { organizationId } : {}) });
    });
    handle = provider.callback();
  };
  await install();

  return {
    logtoUrl,
    issuer,
    jwksUrl: `${issuer}/jwks`,
    port,
    resources: Object.keys(resources),
    m2m,
    spa,
    backchannelErrors,
    tokenRequests,
    get provider() {
      return provider;
    },
    async clientCredentialsToken({ resource, scope, organizationId }) {
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource });
      if (scope !== undefined) body.set('scope', scope);
      if (organizationId !== undefined) body.set('organization_id', organizationId);
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${m2m.clientId}:${m2m.clientSecret}`).toString('base64')}` },
        body,
      });
      const json = (await response.json()) as { access_token?: unknown; error?: unknown; error_description?: unknown };
      if (!response.ok || typeof json.access_token !== 'string') {
        throw new Error(`client_credentials failed: ${response.status} ${String(json.error)} ${String(json.error_description)}`);
      }
      return json.access_token;
    },
    async rotateKeys() {
      keys = [await es384Key(), ...keys];
      await install();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
