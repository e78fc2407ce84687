import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/authorize.js';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { DEFAULT_RESOURCES, startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';

// Organizations end to end through the kit: signed tokens, real JWKS on 127.0.0.1.
const API = 'https://api.example.test';
const ORG_AUDIENCE = 'urn:logto:organization:org-a';
let issuer: TestIssuer;
let strict: AuthKit;
let withOrgTokens: AuthKit;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: API });
  strict = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: API });
  withOrgTokens = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: API, organizationTokens: true });
});
afterAll(async () => {
  strict.close();
  withOrgTokens.close();
  await issuer.close();
});

describe('organization_id on API resource tokens', () => {
  it('binds the token: organizationId, hasOrganization, and authorize({ organization })', async () => {
    const auth = await strict.verifyToken(await issuer.mintToken({ organization_id: 'org-a', scope: 'write:projects' }));
    expect(auth).toMatchObject({ organizationId: 'org-a', isOrganizationToken: false });
    expect(auth.hasOrganization('org-a')).toBe(true);
    expect(auth.hasOrganization('org-b')).toBe(false);
    expect(authorize(auth, { organization: 'org-a', scopes: ['write:projects'] })).toBeUndefined();
    expect(authorize(auth, { organization: 'org-b', scopes: ['write:projects'] })).toMatchObject({ code: 'organization_mismatch', status: 403 });
  });

  it('a token requested without an organization carries none and matches no organization', async () => {
    const auth = await strict.verifyToken(await issuer.mintToken({ scope: 'write:projects' }));
    expect(auth.organizationId).toBeUndefined();
    expect(auth.hasOrganization('')).toBe(false);
    expect(authorize(auth, { organization: 'org-a' })?.code).toBe('organization_mismatch');
  });

  it.each([
    ['a number', 42],
    ['an empty string', ''],
    ['an array', ['org-a']],
    ['an object', { id: 'org-a' }],
  ])('organization_id that is %s is invalid_claims (401), never an organization', async (_name, value) => {
    const token = await issuer.mintToken({ organization_id: value });
    await expect(strict.verifyToken(token)).rejects.toMatchObject({ code: 'invalid_claims', status: 401, message: 'organization_id claim must be a non-empty string' });
    const auth = await strict.createAuthContext(token);
    expect(auth.status === 'anonymous' && auth.error.code).toBe('invalid_claims');
  });
});

describe('Logto organization tokens (aud = urn:logto:organization:<id>)', () => {
  it('are refused with invalid_audience and a message naming them while organizationTokens is off', async () => {
    const token = await issuer.mintOrganizationToken('org-a', ['read:members']);
    const error: unknown = await strict.verifyToken(token).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_audience', status: 401, message: 'this is an organization token, which this API does not accept: request an access token for the API resource' });
    expect(String((error as Error).message)).not.toContain('org-a');
  });

  it('are accepted with organizationTokens: true, the organization from aud and its permissions as scopes', async () => {
    const auth = await withOrgTokens.verifyToken(await issuer.mintOrganizationToken('org-a', ['read:members', 'invite:members']));
    expect(auth).toMatchObject({ organizationId: 'org-a', isOrganizationToken: true, scopes: ['read:members', 'invite:members'] });
    expect(authorize(auth, { organization: 'org-a', scopes: ['invite:members'] })).toBeUndefined();
    expect(authorize(auth, { organization: 'org-b' })?.code).toBe('organization_mismatch');
  });

  it('with no permissions (real Logto sends scope: "") have no scopes', async () => {
    const auth = await withOrgTokens.verifyToken(await issuer.mintOrganizationToken('org-a'));
    expect(auth.scopes).toEqual([]);
    expect(authorize(auth, { organization: 'org-a', scopes: ['read:members'] })?.code).toBe('insufficient_scope');
  });

  it('organizationTokens: true still refuses tokens for other APIs and an empty organization id', async () => {
    await expect(withOrgTokens.verifyToken(await issuer.mintToken({ aud: 'https://other.example.test' }))).rejects.toMatchObject({ code: 'invalid_audience' });
    await expect(withOrgTokens.verifyToken(await issuer.mintToken({ aud: 'urn:logto:organization:' }))).rejects.toMatchObject({ code: 'invalid_audience' });
  });
});

describe('organization tokens from a real oidc-provider', () => {
  let op: OidcStandIn;
  beforeAll(async () => {
    // The stand-in asks for the organization as a resource; the token's shape (aud) is what Logto issues.
    op = await startOidcProvider({ resources: { ...DEFAULT_RESOURCES, [ORG_AUDIENCE]: 'read:members' } });
  });
  afterAll(() => op.close());

  it('are refused while organizationTokens is off and accepted, bound to the organization, when on', async () => {
    const token = await op.clientCredentialsToken({ resource: ORG_AUDIENCE, scope: 'read:members' });
    const off = createAuthKit({ logtoUrl: op.logtoUrl, audience: API });
    const on = createAuthKit({ logtoUrl: op.logtoUrl, audience: API, organizationTokens: true });
    try {
      await expect(off.verifyToken(token)).rejects.toMatchObject({ code: 'invalid_audience' });
      expect(await on.verifyToken(token)).toMatchObject({ organizationId: 'org-a', isOrganizationToken: true, scopes: ['read:members'] });
    } finally {
      off.close();
      on.close();
    }
  });
});
