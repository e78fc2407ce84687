/**
 * Logto's own server-side SDK, `@logto/node` (the engine of `@logto/express`),
 * as the client of the local Logto-shaped provider: it signs a user in through
 * the provider's pages (driven over HTTP), gets an API token with
 * `getAccessToken(resource)` and an organization token with
 * `getOrganizationToken(id)` (both refresh-token grants, exactly as the SDK
 * sends them), calls the tRPC and Yoga APIs with each, gets fresh tokens once
 * the first ones expired, and after `signOut()` the back-channel logout makes
 * both APIs refuse the user's still-unexpired tokens with a 401.
 */
import { randomBytes } from 'node:crypto';
import LogtoClient, { UserScope, type Storage, type StorageKey } from '@logto/node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAuthKit, createBackchannelLogoutHandler, createMemoryRevocationStore, toNodeHandler, type AuthKit } from 'logto-authkit';
import { createAuthFetch, type FetchFunction } from 'logto-authkit/client';
import { createAuthProcedures, createTRPCContext, organizationFromInput } from 'logto-authkit/trpc';
import { startLogoutReceiver, type LogoutReceiver } from '../helpers/logout-receiver.js';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { confirmEndSession, cookieBrowser, passInteraction } from '../helpers/oidc-sign-in.js';
import { startYogaServer, type TestServer } from '../graphql/harness.js';
import { startStandalone, type RunningServer } from '../trpc/harness.js';

const API = 'https://api.example.test';
const ORG = 'org-acme';
const LOGIN = 'node-sdk-user';
/**
 * Short enough to wait for, long enough for sign-in and four API calls on a loaded 2-core CI.
 * The SDK dates a token from its own request time in whole seconds, so a fresh token looks
 * expired up to a second early; at 3 s a busy machine saw a third refresh before the check below.
 */
const TTL = 5;
const WEB = { clientId: 'web-app', clientSecret: `web-secret-${randomBytes(12).toString('hex')}` };

/** tRPC: who am I, and a procedure for members of the organization in its input. */
function buildRouter(kit: AuthKit) {
  const createContext = createTRPCContext(kit);
  const t = initTRPC.context<typeof createContext>().create();
  const { protectedProcedure, organizationProcedure } = createAuthProcedures(t);
  const router = t.router({
    me: protectedProcedure.query(({ ctx }) => ({ userId: ctx.auth.userId, scopes: ctx.auth.scopes, organizationId: ctx.auth.organizationId ?? null })),
    members: organizationProcedure({ organizationId: organizationFromInput('orgId'), scopes: ['read:members'] })
      .input(z.object({ orgId: z.string() }))
      .query(({ ctx }) => ({ organizationId: ctx.auth.organizationId, userId: ctx.auth.userId })),
  });
  return { router, createContext };
}
type Router = ReturnType<typeof buildRouter>['router'];

/** `@logto/node`'s storage contract, in memory (a session store would back it in an app). */
class MemoryStorage implements Storage<StorageKey> {
  readonly items = new Map<string, string>();
  async getItem(key: StorageKey) {
    return this.items.get(key) ?? null;
  }
  async setItem(key: StorageKey, value: string) {
    this.items.set(key, value);
  }
  async removeItem(key: StorageKey) {
    this.items.delete(key);
  }
}

let op: OidcStandIn;
let kit: AuthKit;
let receiver: LogoutReceiver;
let base: string;
let trpcServer: RunningServer;
let yoga: TestServer;
const logouts: string[] = [];

beforeAll(async () => {
  receiver = await startLogoutReceiver();
  base = receiver.url;
  op = await startOidcProvider({
    accessTokenTTL: TTL,
    organizations: { [ORG]: [LOGIN] },
    // A "traditional web" Logto app: confidential (client_secret_basic), as @logto/express registers.
    clients: [
      {
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${base}/callback`],
        post_logout_redirect_uris: [`${base}/`],
        backchannel_logout_uri: `${base}/logout`,
        backchannel_logout_session_required: true,
      },
    ],
  });
  // clockTolerance 0: a token is refused from its `exp` on, so the wait below is exactly the token's lifetime.
  kit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API, organizationTokens: true, clockTolerance: 0, revocation: createMemoryRevocationStore() });
  receiver.bind(toNodeHandler(createBackchannelLogoutHandler({ kit, clientId: WEB.clientId, onRevoked: ({ sub }) => void logouts.push(sub ?? '') })));
  const { router, createContext } = buildRouter(kit);
  trpcServer = await startStandalone(router, createContext);
  yoga = await startYogaServer(kit);
}, 60_000);
afterAll(async () => {
  await trpcServer?.close();
  await yoga?.close();
  kit?.close();
  await op?.close();
  await receiver?.close();
});

/** Calls both APIs through `authFetch`: tRPC `me` + `members`, Yoga `me` + `orgData`. */
async function callBoth(authFetch: FetchFunction) {
  const trpc = createTRPCClient<Router>({ links: [httpLink({ url: trpcServer.url, fetch: authFetch })] });
  const me = await trpc.me.query();
  const members = await trpc.members.query({ orgId: ORG }).catch((error: unknown) => ({ refused: (error as { data?: { httpStatus?: number } }).data?.httpStatus }));
  const response = await authFetch(yoga.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: 'query ($org: ID!) { me { id } orgData(orgId: $org) }', variables: { org: ORG } }),
  });
  return { me, members, graphql: { status: response.status, body: (await response.json()) as unknown } };
}

const expOf = (token: string): number => (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp;
const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
/** Waits until the provider's clock (whole seconds) has passed `exp`: the only wait in this file. */
const untilExpired = (exp: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now() + 20)));

describe('@logto/node against the Logto-shaped provider and the real APIs', () => {
  it('signs in, gets API and organization tokens, refreshes them after expiry, and is refused after sign-out', async () => {
    const go = cookieBrowser();
    let landedAt: URL | undefined;
    const storage = new MemoryStorage();
    const logto = new LogtoClient(
      { endpoint: op.logtoUrl, appId: WEB.clientId, appSecret: WEB.clientSecret, resources: [API], scopes: ['read:posts', 'write:posts', UserScope.Organizations, 'read:members'] },
      {
        storage,
        // The SDK's only way to "redirect the browser": here, the provider's pages are driven over HTTP.
        navigate: async (url, { for: purpose }) => {
          landedAt = purpose === 'sign-in' ? await passInteraction(go, op, url, LOGIN) : await confirmEndSession(go, op, url);
        },
      },
    );

    await logto.signIn({ redirectUri: `${base}/callback` });
    const callback = landedAt;
    expect(callback?.origin + (callback?.pathname ?? '')).toBe(`${base}/callback`);
    await logto.handleSignInCallback(callback?.href ?? '');
    expect(await logto.isAuthenticated()).toBe(true);
    const refreshToken = await logto.getRefreshToken();
    expect(refreshToken).toEqual(expect.any(String));
    expect((await logto.getIdTokenClaims()).organizations).toEqual([ORG]);

    const apiToken = await logto.getAccessToken(API);
    const orgToken = await logto.getOrganizationToken(ORG);
    expect(claimsOf(apiToken)).toMatchObject({ aud: API, sub: LOGIN, client_id: WEB.clientId, scope: 'read:posts write:posts' });
    expect(claimsOf(orgToken)).toMatchObject({ aud: `urn:logto:organization:${ORG}`, sub: LOGIN, scope: 'read:members' });
    expect(claimsOf(orgToken)).not.toHaveProperty('organization_id');
    // What the SDK sent: the code exchange, then refresh_token grants with `resource` and with `organization_id`.
    expect(op.tokenRequests).toEqual([
      { grantType: 'authorization_code', clientId: WEB.clientId },
      { grantType: 'refresh_token', clientId: WEB.clientId, resource: API },
      { grantType: 'refresh_token', clientId: WEB.clientId, organizationId: ORG },
    ]);

    const apiFetch = createAuthFetch({ getAccessToken: (resource) => logto.getAccessToken(resource), clearAccessToken: () => logto.clearAccessToken(), resource: API });
    const orgFetch = createAuthFetch({ getAccessToken: () => logto.getOrganizationToken(ORG), clearAccessToken: () => logto.clearAccessToken() });
    // The API token is not the organization's: tRPC refuses `members` with 403, Yoga answers `orgData` null with an error.
    const withApi = await callBoth(apiFetch);
    expect(withApi.me).toEqual({ userId: LOGIN, scopes: ['read:posts', 'write:posts'], organizationId: null });
    expect(withApi.members).toEqual({ refused: 403 });
    expect(withApi.graphql).toMatchObject({ status: 200, body: { data: { me: { id: LOGIN }, orgData: null } } });
    const withOrg = await callBoth(orgFetch);
    expect(withOrg.me).toEqual({ userId: LOGIN, scopes: ['read:members'], organizationId: ORG });
    expect(withOrg.members).toEqual({ organizationId: ORG, userId: LOGIN });
    expect(withOrg.graphql).toEqual({ status: 200, body: { data: { me: { id: LOGIN }, orgData: `data of ${ORG}` } } });
    expect(op.tokenRequests).toHaveLength(3);

    // Expiry: the APIs now refuse the first tokens; the SDK (or authFetch, if the SDK's estimate lags) refreshes once each.
    await untilExpired(Math.max(expOf(apiToken), expOf(orgToken)));
    const stale = await fetch(`${trpcServer.url}/me`, { headers: { authorization: `Bearer ${apiToken}` } });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refreshed = await callBoth(apiFetch);
    expect(refreshed.me).toMatchObject({ userId: LOGIN, organizationId: null });
    const refreshedOrg = await callBoth(orgFetch);
    expect(refreshedOrg.members).toEqual({ organizationId: ORG, userId: LOGIN });
    expect(op.tokenRequests.slice(3)).toEqual([
      { grantType: 'refresh_token', clientId: WEB.clientId, resource: API },
      { grantType: 'refresh_token', clientId: WEB.clientId, organizationId: ORG },
    ]);
    const [freshApi, freshOrg] = [await logto.getAccessToken(API), await logto.getOrganizationToken(ORG)];
    expect(freshApi).not.toBe(apiToken);
    expect(freshOrg).not.toBe(orgToken);
    expect(op.tokenRequests).toHaveLength(5);
    // As real Logto: the refresh token is not rotated on every refresh (test/fixtures/real-logto/code-flow-tokens.json).
    expect(await logto.getRefreshToken()).toBe(refreshToken);

    // Sign-out: the SDK revokes its refresh token and ends the session; the provider POSTs the logout token to the receiver.
    await logto.signOut(`${base}/`);
    expect(landedAt?.href).toBe(`${base}/`);
    expect(op.backchannelErrors).toEqual([]);
    expect(logouts).toEqual([LOGIN]);
    expect(await logto.isAuthenticated()).toBe(false);
    expect(storage.items.has('refreshToken')).toBe(false);
    // The fresh tokens have not expired, but the back-channel logout revoked their subject on both APIs.
    for (const token of [freshApi, freshOrg]) {
      const trpc = await fetch(`${trpcServer.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(trpc.status).toBe(401);
      expect(trpc.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const graphql = await fetch(yoga.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(graphql.status).toBe(401);
    }
    expect(Date.now() / 1000).toBeLessThan(expOf(freshApi));
    await expect(logto.getAccessToken(API)).rejects.toThrow();
  }, 30_000);
});
