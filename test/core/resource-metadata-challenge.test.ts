import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, AuthKitOptionsError, authorize, createAuthKit, evaluateRequirement, parseRequirement, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';

// RFC 9728 §5.1: with `resourceMetadataUrl`, every Bearer challenge the kit's errors carry names the document.
const METADATA = 'http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp';
const param = `resource_metadata="${METADATA}"`;
let issuer: TestIssuer;
let kit: AuthKit;
let guestKit: AuthKit;
let plain: AuthKit;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, resourceMetadataUrl: METADATA });
  guestKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, resourceMetadataUrl: METADATA, allowGuest: true });
  plain = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
});
afterAll(async () => {
  for (const k of [kit, guestKit, plain]) k.close();
  await issuer.close();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('resourceMetadataUrl', () => {
  it('401 without a token and with a bad one: the challenge ends with resource_metadata', async () => {
    const missing = await kit.createAuthContext({ headers: {} });
    expect(missing.error?.wwwAuthenticate).toBe(`Bearer realm="api", ${param}`);
    const { privateKey } = await generateKeyPair('ES384');
    const forged = await kit.createAuthContext(bearer(await issuer.mintToken({}, { key: privateKey })));
    expect(forged.error?.code).toBe('invalid_token');
    expect(forged.error?.wwwAuthenticate).toMatch(/^Bearer realm="api", error="invalid_token", error_description="[^"]+", resource_metadata="/);
    expect(forged.error?.wwwAuthenticate?.endsWith(param)).toBe(true);
  });

  it('verifyToken and verifyAuth reject with the marked error', async () => {
    const expired = await issuer.mintToken({}, { now: Date.now() - 7_200_000 });
    await expect(kit.verifyToken(expired)).rejects.toSatisfy((e: AuthError) => e.code === 'token_expired' && e.wwwAuthenticate!.endsWith(param));
    await expect(kit.verifyAuth({ headers: {} })).rejects.toSatisfy((e: AuthError) => e.wwwAuthenticate!.endsWith(param));
  });

  it('403 insufficient_scope decided later from the context carries it too (authorize and evaluateRequirement)', async () => {
    const auth = await kit.createAuthContext(bearer(await issuer.mintToken({ scope: 'read:notes' })));
    expect(auth.status).toBe('authenticated');
    const viaAuthorize = authorize(auth, { scopes: ['write:notes'] });
    expect(viaAuthorize?.wwwAuthenticate).toBe(`Bearer realm="api", error="insufficient_scope", error_description="missing required scope(s): write:notes", scope="write:notes", ${param}`);
    const viaEvaluate = evaluateRequirement(auth, parseRequirement({ anyScopes: ['admin'] }, { entry: 'test', name: 'guard' })) as AuthError;
    expect(viaEvaluate.wwwAuthenticate?.endsWith(param)).toBe(true);
    // A cache hit hands out the same frozen context: still marked.
    const again = await kit.verifyToken(auth.status === 'authenticated' ? auth.token : '');
    expect(authorize(again, { scopes: ['write:notes'] })?.wwwAuthenticate?.endsWith(param)).toBe(true);
  });

  it('a guest refused by a requirement (guest_not_allowed) carries it', async () => {
    const guest = await guestKit.createAuthContext({ headers: {} });
    expect(guest.status).toBe('guest');
    expect(authorize(guest, {})?.wwwAuthenticate).toBe(`Bearer realm="api", ${param}`);
  });

  it('a kit without the option, and a challenge-less error, have none', async () => {
    expect((await plain.createAuthContext({ headers: {} })).error?.wwwAuthenticate).toBe('Bearer realm="api"');
    const auth = await plain.createAuthContext(bearer(await issuer.mintToken({ scope: 'read:notes' })));
    expect(authorize(auth, { scopes: ['x'] })?.wwwAuthenticate).not.toContain('resource_metadata');
    expect(new AuthError('jwks_unavailable', 'down', { resourceMetadata: METADATA }).wwwAuthenticate).toBeUndefined();
    expect(new AuthError('missing_token', 'none', { resourceMetadata: METADATA }).wwwAuthenticate).toBe(`Bearer realm="api", ${param}`);
  });

  it.each([
    ['http://mcp.example.com/.well-known/oauth-protected-resource/mcp', /option "resourceMetadataUrl" must use https:/],
    ['/.well-known/oauth-protected-resource', /option "resourceMetadataUrl" must be an absolute URL/],
    ['https://mcp.example.com/.well-known/oauth-protected-resource#x', /option "resourceMetadataUrl" must not have a fragment/],
  ])('refuses %s at construction', (value, message) => {
    expect(() => createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, resourceMetadataUrl: value })).toThrow(AuthKitOptionsError);
    expect(() => createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, resourceMetadataUrl: value })).toThrow(message);
  });
});
