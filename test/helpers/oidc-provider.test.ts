import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ORGANIZATION_RESOURCE, ORGANIZATIONS_SCOPE, startOidcProvider } from './oidc-provider.js';
import { cookieBrowser, passInteraction } from './oidc-sign-in.js';
import type { OidcStandIn } from './oidc-provider.js';

const API = 'https://api.example.test';
let op: OidcStandIn;

beforeAll(async () => {
  op = await startOidcProvider();
});
afterAll(async () => {
  await op.close();
});

function verify(token: string, audience = API) {
  return jwtVerify(token, createRemoteJWKSet(new URL(op.jwksUrl)), { issuer: op.issuer, audience, typ: 'at+jwt' });
}

describe('startOidcProvider', () => {
  it('serves discovery and a JWKS of ES384 keys with thumbprint kids under /oidc', async () => {
    expect(op.issuer).toBe(`http://127.0.0.1:${op.port}/oidc`);
    const config = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ issuer: op.issuer, jwks_uri: op.jwksUrl, token_endpoint: `${op.issuer}/token` });
    expect(config.id_token_signing_alg_values_supported).toContain('ES384');
    const jwks = (await (await fetch(op.jwksUrl)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect((await fetch(`${op.logtoUrl}/jwks`)).status).toBe(404);
  });

  it('issues a Logto-shaped ES384 at+jwt for client_credentials with resource and scope', async () => {
    const token = await op.clientCredentialsToken({ resource: API, scope: 'read:posts write:posts' });
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toMatchObject({ alg: 'ES384', typ: 'at+jwt' });
    expect(protectedHeader.kid).toMatch(/^[\w-]{43}$/);
    expect(payload).toMatchObject({ iss: op.issuer, aud: API, sub: op.m2m.clientId, client_id: op.m2m.clientId, scope: 'read:posts write:posts' });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(typeof payload.jti).toBe('string');
    expect(payload).not.toHaveProperty('organization_id');
  });

  it('drops ungranted scopes and omits scope when none is asked for', async () => {
    const unknownScope = await verify(await op.clientCredentialsToken({ resource: API, scope: 'read:posts read:other' }));
    expect(unknownScope.payload.scope).toBe('read:posts');
    const { payload } = await verify(await op.clientCredentialsToken({ resource: API }));
    expect(payload).not.toHaveProperty('scope');
  });

  it('adds organization_id when the request carries one', async () => {
    const token = await op.clientCredentialsToken({ resource: API, scope: 'read:posts', organizationId: 'org-1' });
    const { payload } = await verify(token);
    expect(payload.organization_id).toBe('org-1');
  });

  it('issues tokens for every registered resource and refuses unknown ones', async () => {
    expect(op.resources).toEqual([API, 'https://other.example.test']);
    const other = await verify(await op.clientCredentialsToken({ resource: 'https://other.example.test', scope: 'read:other' }), 'https://other.example.test');
    expect(other.payload.scope).toBe('read:other');
    await expect(op.clientCredentialsToken({ resource: 'https://unknown.example.test' })).rejects.toThrow(/invalid_target/);
  });

  it('rotates keys: the new key signs, the old one stays published', async () => {
    const before = await op.clientCredentialsToken({ resource: API });
    const oldKid = decodeProtectedHeader(before).kid;
    await op.rotateKeys();
    const after = await op.clientCredentialsToken({ resource: API });
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).not.toBe(oldKid);
    const jwks = (await (await fetch(op.jwksUrl)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    await expect(verify(before)).resolves.toBeDefined();
    await expect(verify(after)).resolves.toBeDefined();
  });
});

describe('startOidcProvider options', () => {
  it('registers custom resources and the SPA client metadata', async () => {
    const custom = await startOidcProvider({
      resources: { 'https://custom.example.test': 'a b' },
      redirectUris: ['http://127.0.0.1:4000/cb'],
      backchannelLogoutUri: 'http://127.0.0.1:4000/logout',
    });
    try {
      const token = await custom.clientCredentialsToken({ resource: 'https://custom.example.test', scope: 'b' });
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(custom.jwksUrl)), { issuer: custom.issuer, audience: 'https://custom.example.test' });
      expect(payload.scope).toBe('b');
      await expect(custom.clientCredentialsToken({ resource: API })).rejects.toThrow(/invalid_target/);
      // A PKCE authorization request from the SPA client reaches the dev sign-in page.
      const auth = new URL(`${custom.issuer}/auth`);
      auth.search = new URLSearchParams({
        client_id: custom.spa.clientId,
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:4000/cb',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      const response = await fetch(auth, { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/oidc\/interaction\//);
    } finally {
      await custom.close();
    }
  });
});

/** A cookie jar that keeps the last value of each cookie, enough for the dev interaction pages. */
function browser() {
  const jar = new Map<string, string>();
  return async (url: string | URL, init: RequestInit = {}) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
}
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('user sign-in and back-channel logout', () => {
  it('signs a user in with PKCE, issues an API at+jwt, and POSTs a logout token to loopback on sign-out', async () => {
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const user = await startOidcProvider({ redirectUris: [redirectUri], backchannelLogoutUri: `http://127.0.0.1:${port}/logout` });
    try {
      const go = browser();
      const absolute = (response: Response) => new URL(response.headers.get('location') ?? '', user.logtoUrl);
      const verifier = base64url.encode(randomBytes(32));
      const challenge = base64url.encode(createHash('sha256').update(verifier).digest());
      const auth = new URL(`${user.issuer}/auth`);
      auth.search = new URLSearchParams({
        client_id: user.spa.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile read:posts',
        resource: API, code_challenge: challenge, code_challenge_method: 'S256', state: 'st',
      }).toString();
      let response = await go(auth);
      response = await go(absolute(response), form({ prompt: 'login', login: 'user-42', password: 'x' }));
      response = await go(absolute(response));
      response = await go(absolute(response), form({ prompt: 'consent' }));
      response = await go(absolute(response));
      const callback = absolute(response);
      expect(callback.origin + callback.pathname).toBe(redirectUri);
      const code = callback.searchParams.get('code') ?? '';

      const tokens = (await (await fetch(`${user.issuer}/token`, form({
        grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: user.spa.clientId, code_verifier: verifier,
      }))).json()) as { access_token: string; id_token: string };
      const jwks = createRemoteJWKSet(new URL(user.jwksUrl));
      const access = await jwtVerify(tokens.access_token, jwks, { issuer: user.issuer, audience: API, typ: 'at+jwt' });
      expect(access.protectedHeader.alg).toBe('ES384');
      expect(access.payload).toMatchObject({ sub: 'user-42', client_id: user.spa.clientId, scope: 'read:posts' });
      const id = await jwtVerify(tokens.id_token, jwks, { issuer: user.issuer, audience: user.spa.clientId });
      expect(id.protectedHeader.alg).toBe('ES384');

      const end = await go(`${user.issuer}/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: redirectUri })}`);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await end.text())?.[1] ?? '';
      response = await go(`${user.issuer}/session/end/confirm`, form({ xsrf, logout: 'yes' }));
      expect(response.status).toBe(303);
      expect(user.backchannelErrors).toEqual([]);
      expect(received).toHaveLength(1);
      const logout = await jwtVerify(received[0] ?? '', jwks, { issuer: user.issuer, audience: user.spa.clientId, typ: 'logout+jwt' });
      expect(logout.payload).toMatchObject({ sub: 'user-42', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
      expect(typeof logout.payload.sid).toBe('string');
    } finally {
      await user.close();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('refresh tokens, resource on the refresh grant, organization tokens (what Logto SDKs send)', () => {
  it('issues a refresh token for offline_access, keeps it on refresh, and serves resource and organization_id on the refresh grant', async () => {
    const redirectUri = 'http://127.0.0.1:4000/callback';
    const sdk = await startOidcProvider({ redirectUris: [redirectUri], accessTokenTTL: 120, organizations: { 'org-1': ['member-1'] } });
    try {
      const signInAs = async (login: string) => {
        const verifier = base64url.encode(randomBytes(32));
        const auth = new URL(`${sdk.issuer}/auth`);
        // As @logto/js generateSignInUri builds it with scopes [read:posts, read:members, urn:logto:scope:organizations].
        auth.search = new URLSearchParams({
          client_id: sdk.spa.clientId, redirect_uri: redirectUri, response_type: 'code', prompt: 'consent', state: 's',
          code_challenge: base64url.encode(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
          scope: `openid offline_access profile read:posts read:members ${ORGANIZATIONS_SCOPE}`,
        }).toString();
        auth.searchParams.append('resource', API);
        auth.searchParams.append('resource', ORGANIZATION_RESOURCE);
        const code = (await passInteraction(cookieBrowser(), sdk, auth, login)).searchParams.get('code') ?? '';
        return (await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier })).body as { refresh_token?: string; access_token: string; id_token: string };
      };
      const verifyHere = (jwt: string, audience = API) => jwtVerify(jwt, createRemoteJWKSet(new URL(sdk.jwksUrl)), { issuer: sdk.issuer, audience, typ: 'at+jwt' });
      const token = async (fields: Record<string, string>) => {
        const response = await fetch(`${sdk.issuer}/token`, form({ client_id: sdk.spa.clientId, ...fields }));
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };

      const tokens = await signInAs('member-1');
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const refresh_token = tokens.refresh_token ?? '';
      // Two resources were granted and none is asked for: an opaque token, as Logto answers the code exchange.
      expect(tokens.access_token.split('.')).toHaveLength(1);
      const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      expect(idClaims.organizations).toEqual(['org-1']);

      const api = await token({ grant_type: 'refresh_token', refresh_token, resource: API });
      expect(api.status).toBe(200);
      expect(api.body.refresh_token).toBe(refresh_token);
      const { payload } = await verifyHere(String(api.body.access_token));
      expect(payload).toMatchObject({ aud: API, sub: 'member-1', scope: 'read:posts', client_id: sdk.spa.clientId });
      expect(payload.exp! - payload.iat!).toBe(120);

      const org = await token({ grant_type: 'refresh_token', refresh_token, organization_id: 'org-1' });
      expect(org.status).toBe(200);
      const orgToken = await verifyHere(String(org.body.access_token), 'urn:logto:organization:org-1');
      expect(orgToken.payload).toMatchObject({ sub: 'member-1', scope: 'read:members' });
      expect(orgToken.payload).not.toHaveProperty('organization_id');

      const both = await token({ grant_type: 'refresh_token', refresh_token, resource: API, organization_id: 'org-1' });
      expect((await verifyHere(String(both.body.access_token))).payload.organization_id).toBe('org-1');

      const notMember = await token({ grant_type: 'refresh_token', refresh_token, organization_id: 'org-2' });
      expect(notMember).toMatchObject({ status: 400, body: { error: 'access_denied' } });
      const unknown = await token({ grant_type: 'refresh_token', refresh_token, resource: 'https://other.example.test' });
      expect(unknown).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
      expect(sdk.tokenRequests.map((request) => [request.grantType, request.resource ?? request.organizationId ?? null])).toEqual([
        ['authorization_code', null],
        ['refresh_token', API],
        ['refresh_token', 'org-1'],
        ['refresh_token', API],
      ]);
    } finally {
      await sdk.close();
    }
  });
});
