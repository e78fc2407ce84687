import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientScopeError, InvalidRequestError, InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { AuthError, createAuthKit, type AuthKit, type AuthKitOptions } from 'logto-authkit';
import { authContextOf, createMcpTokenVerifier, toOAuthError } from 'logto-authkit/mcp';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';

const RESOURCE = 'http://127.0.0.1:1/mcp';
let issuer: TestIssuer;
const kits: AuthKit[] = [];
const kitWith = (options: Partial<AuthKitOptions> = {}): AuthKit => {
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: [RESOURCE, 'https://other.example'], onWarning: () => undefined, ...options });
  kits.push(kit);
  return kit;
};

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: RESOURCE, clientId: 'mcp-client' });
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await issuer.close();
});

describe('createMcpTokenVerifier: AuthInfo', () => {
  it('token, clientId (client_id), scopes, expiresAt (seconds), resource (aud), and the kit context as extra.auth', async () => {
    const verifier = createMcpTokenVerifier(kitWith(), { extra: (auth) => ({ userId: auth.userId }) });
    const token = await issuer.mintToken({ sub: 'user-1', scope: 'read:notes write:notes' }, { expiresIn: 600 });
    const info = await verifier.verifyAccessToken(token);
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
    expect(info).toMatchObject({ token, clientId: 'mcp-client', scopes: ['read:notes', 'write:notes'], expiresAt: exp, resource: new URL(RESOURCE) });
    expect(info.extra?.userId).toBe('user-1');
    const auth = authContextOf(info);
    expect(auth?.userId).toBe('user-1');
    expect(info.extra?.auth).toBe(auth);
    expect(authContextOf({ ...info })).toBeUndefined();
  });

  it('resource is the aud the kit accepted; an organization token (urn:) has none', async () => {
    const verifier = createMcpTokenVerifier(kitWith({ organizationTokens: true }));
    const both = await verifier.verifyAccessToken(await issuer.mintToken({ aud: ['https://not-ours.example', 'https://other.example'] }));
    expect(both.resource?.href).toBe('https://other.example/');
    const org = await verifier.verifyAccessToken(await issuer.mintOrganizationToken('org-1', ['read:notes']));
    expect(org.resource).toBeUndefined();
    expect(org.scopes).toEqual(['read:notes']);
  });

  it('refuses bad options at creation', () => {
    const kit = kitWith();
    expect(() => createMcpTokenVerifier(kit, { requiredScopes: ['x'] } as never)).toThrow(/unknown option\(s\) requiredScopes/);
    expect(() => createMcpTokenVerifier(kit, { extra: 'x' } as never)).toThrow(/option "extra" must be a function/);
  });
});

describe('createMcpTokenVerifier: refusals as the SDK error classes', () => {
  const refusalOf = async (verify: Promise<unknown>): Promise<Error> => verify.then(() => expect.unreachable('verified'), (error: Error) => error);

  it('a forged or expired token: InvalidTokenError, never carrying the token', async () => {
    const verifier = createMcpTokenVerifier(kitWith());
    const { privateKey } = await generateKeyPair('ES384');
    const forged = await issuer.mintToken({}, { key: privateKey });
    const error = await refusalOf(verifier.verifyAccessToken(forged));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).not.toContain(forged.split('.')[2]);
    expect((error.cause as AuthError).code).toBe('invalid_token');
    const expired = await issuer.mintToken({}, { now: Date.now() - 7_200_000 });
    expect(await refusalOf(verifier.verifyAccessToken(expired))).toBeInstanceOf(InvalidTokenError);
  });

  it("the kit's clock decides expiry: a token valid by the wall clock is refused by a kit whose now is later", async () => {
    const verifier = createMcpTokenVerifier(kitWith({ now: () => Date.now() + 7_200_000 }));
    const error = await refusalOf(verifier.verifyAccessToken(await issuer.mintToken()));
    expect([error instanceof InvalidTokenError, (error.cause as AuthError).code]).toEqual([true, 'token_expired']);
  });

  it("the kit's requiredScope: InsufficientScopeError", async () => {
    const verifier = createMcpTokenVerifier(kitWith({ requiredScope: 'admin' }));
    expect(await refusalOf(verifier.verifyAccessToken(await issuer.mintToken({ scope: 'read:notes' })))).toBeInstanceOf(InsufficientScopeError);
  });

  it('JWKS unreachable: ServerError (500), not InvalidTokenError', async () => {
    const verifier = createMcpTokenVerifier(kitWith({ issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:1/jwks', logtoUrl: undefined }));
    const error = await refusalOf(verifier.verifyAccessToken(await issuer.mintToken()));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).not.toBeInstanceOf(InvalidTokenError);
    expect((error.cause as AuthError).code).toBe('jwks_unavailable');
  });

  it('revocation store down: ServerError', async () => {
    const revocation = { getRevokedAt: () => Promise.reject(new Error('ECONNREFUSED')), revoke: () => Promise.resolve() };
    const verifier = createMcpTokenVerifier(kitWith({ revocation }));
    const error = await refusalOf(verifier.verifyAccessToken(await issuer.mintToken()));
    expect([error instanceof ServerError, (error.cause as AuthError).code]).toEqual([true, 'revocation_unavailable']);
  });

  it('toOAuthError: 400 → InvalidRequestError; messages lose quotes, backslashes and control characters; other errors pass', () => {
    expect(toOAuthError(new AuthError('invalid_request', 'two tokens'))).toBeInstanceOf(InvalidRequestError);
    const translated = toOAuthError(new AuthError('invalid_token', 'bad "kid" \\ here\r\nX-Injected: 1 é')) as Error;
    expect(translated.message).toBe('bad kid  here  X-Injected: 1  ');
    const other = new RangeError('bug');
    expect(toOAuthError(other)).toBe(other);
  });
});
