import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { AUTH_ERROR_TABLE, AuthError, isAuthError, refusal, type AuthErrorCode } from '../../src/core/errors.js';
import { authErrorResponse } from '../../src/core/error-response.js';
import { DEFAULT_REFUSAL_REASON, REFUSAL_REASONS, isRefusalReason, type RefusalReason } from '../../src/core/refusal-reasons.js';
import type { AuthKitOptions } from '../../src/core/options.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { jwksAnswer, startServer, type ControlledServer } from '../helpers/serve-json.js';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { signIn } from '../helpers/oidc-sign-in.js';

// Tokens captured from a real Logto v1.37.1 (test/fixtures/real-logto/README.md); the clock is injected.
interface Fixture {
  name: string;
  token: string;
  payload?: Record<string, unknown>;
  jwksFile?: string;
}
const dir = new URL('../fixtures/real-logto/', import.meta.url);
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
const fixtures = read('tokens.json') as Fixture[];
const byName = (name: string): Fixture => fixtures.find((f) => f.name === name) ?? expect.unreachable(name);
const codeFlow = read('code-flow-tokens.json') as { authorizationCodeResponse: { access_token: string; id_token: string } };
const logout = read('backchannel-logout.json') as { logout_token: string };
const ISSUER = 'http://127.0.0.1:3001/oidc';
const AUDIENCE = 'https://api.fixture.test';
const IAT = 1_795_430_678;

let server: ControlledServer;
let served = 'jwks.json';
beforeAll(async () => {
  server = await startServer((req, res) => jwksAnswer(read(served))(req, res));
});
afterAll(() => server.close());

const kits: AuthKit[] = [];
afterAll(() => kits.forEach((kit) => kit.close()));
function kitAt(extra: Partial<AuthKitOptions> = {}, nowSeconds = IAT + 1): AuthKit {
  const kit = createAuthKit({ issuer: ISSUER, jwksUrl: `${server.url}/oidc/jwks`, audience: AUDIENCE, now: () => nowSeconds * 1000, onWarning: () => {}, ...extra });
  kits.push(kit);
  return kit;
}

async function refusedWith(kit: AuthKit, headers: Record<string, string | string[]>): Promise<AuthError> {
  const auth = await kit.createAuthContext({ headers });
  if (auth.status !== 'anonymous') return expect.unreachable(`expected a refusal, got ${auth.status}`);
  return auth.error;
}

/** The client sees reason, code and description, and never the token, its claims or what the kit expects. */
function expectClientSafe(error: AuthError, token: string, secrets: readonly string[] = []): void {
  const { body, headers } = authErrorResponse(error);
  const seen = JSON.stringify(body) + (headers['www-authenticate'] ?? '') + error.message;
  for (const part of token.split('.')) if (part.length > 8) expect(seen).not.toContain(part);
  for (const value of [ISSUER, AUDIENCE, ...secrets]) expect(seen).not.toContain(value);
  expect(body.reason).toBe(error.reason);
  expect(body.error_description).toBe(error.message);
}

describe('every refusal names its reason, with a description that says what to do (real Logto tokens)', () => {
  it('an opaque access token (no API resource requested): opaque_token', async () => {
    for (const token of [byName('user-pat-exchange-opaque').token, codeFlow.authorizationCodeResponse.access_token]) {
      const error = await refusedWith(kitAt(), { authorization: `Bearer ${token}` });
      expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({
        code: 'invalid_token',
        reason: 'opaque_token',
        message: 'this is an opaque token, not a JWT: request an access token for an API resource',
      });
      expect(error.wwwAuthenticate).toBe('Bearer realm="api", error="invalid_token", error_description="this is an opaque token, not a JWT: request an access token for an API resource"');
      expectClientSafe(error, token);
    }
  });

  it('an ID token from the code flow: id_token', async () => {
    const token = codeFlow.authorizationCodeResponse.id_token;
    const error = await refusedWith(kitAt(), { authorization: `Bearer ${token}` });
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({
      code: 'invalid_token',
      reason: 'id_token',
      message: "this is an ID token, not an access token: send an access token requested for this API's resource",
    });
    expectClientSafe(error, token, ['gn9mwc2aztybh82yst8f2']);
  });

  it('a back-channel logout token: logout_token', async () => {
    const token = logout.logout_token;
    const error = await refusedWith(kitAt(), { authorization: `Bearer ${token}` });
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({ code: 'invalid_token', reason: 'logout_token', message: 'this is a logout token, not an access token' });
  });

  it.each(['m2m-organization-token', 'user-pat-exchange-organization-token'])('%s on an API route: organization_token', async (name) => {
    const { token } = byName(name);
    const error = await refusedWith(kitAt(), { authorization: `Bearer ${token}` });
    expect({ code: error.code, status: error.status, reason: error.reason, message: error.message }).toEqual({
      code: 'invalid_audience',
      status: 401,
      reason: 'organization_token',
      message: 'this is an organization token, which this API does not accept: request an access token for the API resource',
    });
    expectClientSafe(error, token, ['urn:logto:organization:nahlmnzcioqo', 'nahlmnzcioqo']);
  });

  it('the admin tenant\'s token: issuer_mismatch', async () => {
    served = 'jwks-admin-tenant.json';
    const { token } = byName('admin-tenant-management-token');
    const error = await refusedWith(kitAt(), { authorization: `Bearer ${token}` });
    served = 'jwks.json';
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({
      code: 'invalid_issuer',
      reason: 'issuer_mismatch',
      message: "token was not issued by a trusted issuer: request it from this API's Logto tenant",
    });
    expectClientSafe(error, token, ['http://127.0.0.1:3002/oidc', 'https://default.logto.app/api']);
  });

  it('a token for another API resource: audience_mismatch', async () => {
    const { token } = byName('m2m-read-write');
    const error = await refusedWith(kitAt({ audience: 'https://other.example.com' }), { authorization: `Bearer ${token}` });
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({
      code: 'invalid_audience',
      reason: 'audience_mismatch',
      message: "token was not issued for this API: request an access token with this API's resource indicator",
    });
    expectClientSafe(error, token, ['https://other.example.com']);
  });

  it('m2m-no-scope where a scope is required: empty_scope, naming the Console fix', async () => {
    const { token } = byName('m2m-no-scope');
    const error = await refusedWith(kitAt({ requiredScope: 'read:posts' }), { authorization: `Bearer ${token}` });
    expect({ code: error.code, status: error.status, reason: error.reason, message: error.message }).toEqual({
      code: 'insufficient_scope',
      status: 403,
      reason: 'empty_scope',
      message: "token carries no scopes: no role of the user or app grants this API's permissions (required: read:posts)",
    });
    expect(REFUSAL_REASONS.empty_scope.fix).toMatch(/Logto Console.*role/);
    expectClientSafe(error, token);
  });

  it('a token holding other scopes: insufficient_scope (not empty_scope)', async () => {
    const { token } = byName('m2m-requested-ungranted-admin');
    const error = await refusedWith(kitAt({ requiredScope: 'admin' }), { authorization: `Bearer ${token}` });
    expect({ reason: error.reason, message: error.message }).toEqual({ reason: 'insufficient_scope', message: 'token lacks required scope(s): admin' });
  });

  it('an expired real token: expired', async () => {
    const { token } = byName('m2m-read-write');
    const error = await refusedWith(kitAt({}, IAT + 7200), { authorization: `Bearer ${token}` });
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({ code: 'token_expired', reason: 'expired', message: 'token has expired: get a new access token (refresh it)' });
  });

  it('a real token whose signature was altered: bad_signature', async () => {
    const { token } = byName('m2m-read-write');
    const [h, p, s = ''] = token.split('.');
    const forged = `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`;
    const error = await refusedWith(kitAt(), { authorization: `Bearer ${forged}` });
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({ code: 'invalid_token', reason: 'bad_signature', message: 'token signature is invalid' });
    expectClientSafe(error, forged);
  });

  it('Authorization: <token> without a scheme: missing_scheme (400), not "no access token"', async () => {
    const { token } = byName('m2m-read-write');
    const kit = kitAt();
    for (const bare of [token, byName('user-pat-exchange-opaque').token]) {
      const error = await refusedWith(kit, { authorization: bare });
      expect({ code: error.code, status: error.status, reason: error.reason, message: error.message }).toEqual({
        code: 'invalid_request',
        status: 400,
        reason: 'missing_scheme',
        message: 'the Authorization header has no scheme: send "Authorization: Bearer <token>"',
      });
      expectClientSafe(error, bare);
    }
    // Another scheme, or a short bare word, is someone else's business: no token was presented.
    for (const other of ['Basic dXNlcjpwYXNz', 'Negotiate', 'DPoP']) {
      expect((await refusedWith(kit, { authorization: other })).reason).toBe('missing_token');
    }
  });

  it('a malformed or repeated Authorization header: malformed_authorization, repeated_authorization', async () => {
    const kit = kitAt();
    expect((await refusedWith(kit, { authorization: 'Bearer a b' })).reason).toBe('malformed_authorization');
    const repeated = await refusedWith(kit, { authorization: ['Bearer a', 'Bearer b'] });
    expect({ code: repeated.code, reason: repeated.reason }).toEqual({ code: 'invalid_request', reason: 'repeated_authorization' });
  });

  it('no token at all: missing_token, unchanged', async () => {
    const error = await refusedWith(kitAt(), {});
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({ code: 'missing_token', reason: 'missing_token', message: 'no access token was presented' });
  });
});

describe('refusals the local issuer shows', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());
  const local = (extra: Partial<AuthKitOptions> = {}): AuthKit => {
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, onWarning: () => {}, ...extra });
    kits.push(kit);
    return kit;
  };

  it('a kid the key set does not hold: unknown_kid', async () => {
    const token = await issuer.mintToken({}, { kid: 'a-kid-logto-never-published' });
    const error = await local().verifyToken(token).catch((e: unknown) => e);
    expect(isAuthError(error) && { code: error.code, reason: error.reason, message: error.message }).toEqual({
      code: 'invalid_token',
      reason: 'unknown_kid',
      message: 'the token key is not in the key set: get a new access token',
    });
    if (isAuthError(error)) expectClientSafe(error, token, ['a-kid-logto-never-published']);
  });

  it('a token past maxTokenAge: too_old; a token with a header key: key_in_header; an ID token minted locally: id_token', async () => {
    const now = Date.now();
    const kit = local({ maxTokenAge: 60, now: () => now });
    const old = await issuer.mintToken({}, { now: now - 120_000 });
    expect(await kit.verifyToken(old).catch((e: AuthError) => e.reason)).toBe('too_old');
    const pointer = await issuer.mintToken({}, { header: { jku: 'https://evil.example/jwks' } });
    expect(await kit.verifyToken(pointer).catch((e: AuthError) => e.reason)).toBe('key_in_header');
    expect(await kit.verifyToken(await issuer.mintIdToken()).catch((e: AuthError) => e.reason)).toBe('id_token');
  });
});

describe('the reason table', () => {
  it('each reason names a code of the error table and a description and fix in plain words', () => {
    for (const [reason, info] of Object.entries(REFUSAL_REASONS)) {
      expect(isRefusalReason(reason)).toBe(true);
      expect(info.code in AUTH_ERROR_TABLE).toBe(true);
      expect(info.description.length).toBeGreaterThan(10);
      expect(info.fix.length).toBeGreaterThan(10);
    }
    expect(isRefusalReason('toString')).toBe(false);
  });

  it('an AuthError built without a reason carries its code\'s general reason, which maps back to that code', () => {
    for (const code of Object.keys(AUTH_ERROR_TABLE) as AuthErrorCode[]) {
      const reason: RefusalReason = new AuthError(code, 'x').reason;
      expect(reason).toBe(DEFAULT_REFUSAL_REASON[code]);
      expect(REFUSAL_REASONS[reason].code).toBe(code);
    }
  });

  it('the README lists every reason with its code and exact description', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [reason, { code, description }] of Object.entries(REFUSAL_REASONS)) {
      expect(readme).toContain(`| \`${reason}\` | \`${code}\` | \`${description}\` |`);
    }
  });

  it('refusal(reason) uses the table\'s code and description; a message of its own replaces the description only', () => {
    expect(refusal('unknown_kid')).toMatchObject({ code: 'invalid_token', reason: 'unknown_kid', status: 401, message: REFUSAL_REASONS.unknown_kid.description });
    expect(refusal('jwks_refetch_cooldown', { message: 'm', retryAfter: 3 })).toMatchObject({ code: 'jwks_unavailable', status: 503, reason: 'jwks_refetch_cooldown', message: 'm', retryAfter: 3 });
  });
});

describe('refusals of tokens from the real oidc-provider (the engine Logto is built on)', () => {
  let op: OidcStandIn;
  beforeAll(async () => {
    op = await startOidcProvider();
  });
  afterAll(() => op.close());
  const againstOp = (extra: Partial<AuthKitOptions> = {}): AuthKit => {
    const kit = createAuthKit({ logtoUrl: op.logtoUrl, audience: 'https://api.example.test', ...extra });
    kits.push(kit);
    return kit;
  };

  it('a token for the other resource: audience_mismatch; one with no granted scope: empty_scope', async () => {
    const other = await op.clientCredentialsToken({ resource: 'https://other.example.test', scope: 'read:other' });
    expect(await againstOp().verifyToken(other).catch((e: AuthError) => [e.reason, e.message])).toEqual([
      'audience_mismatch',
      "token was not issued for this API: request an access token with this API's resource indicator",
    ]);
    const bare = await op.clientCredentialsToken({ resource: 'https://api.example.test' });
    expect(await againstOp({ requiredScope: 'read:posts' }).verifyToken(bare).catch((e: AuthError) => [e.reason, e.status])).toEqual(['empty_scope', 403]);
  });

  it('the ID token of a real sign-in: id_token', async () => {
    const user = await signIn(op, { login: 'diag-user', resource: 'https://api.example.test', redirectUri: 'http://127.0.0.1:3000/callback', scope: 'openid read:posts' });
    const kit = againstOp();
    expect((await kit.verifyToken(user.accessToken)).userId).toBe('diag-user');
    expect(await kit.verifyToken(user.idToken).catch((e: AuthError) => e.reason)).toBe('id_token');
  });
});
