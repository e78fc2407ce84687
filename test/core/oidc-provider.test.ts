import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';

// The real `oidc-provider` (the engine Logto runs on), configured like a tenant.
let op: OidcStandIn;
let kit: AuthKit;
const API = 'https://api.example.test';

beforeAll(async () => {
  op = await startOidcProvider();
  kit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API });
});
afterAll(async () => {
  kit.close();
  await op.close();
});

describe('tokens from a real OpenID provider', () => {
  it('accepts its ES384 at+jwt access token for our resource, with scopes', async () => {
    const token = await op.clientCredentialsToken({ resource: API, scope: 'read:posts write:posts' });
    const auth = await kit.verifyToken(token);
    expect(auth.userId).toBe(op.m2m.clientId);
    expect(auth.clientId).toBe(op.m2m.clientId);
    expect(auth.isMachine).toBe(true);
    expect(auth.scopes).toEqual(['read:posts', 'write:posts']);
  });

  it('a token without a scope parameter has no scopes', async () => {
    const auth = await kit.verifyToken(await op.clientCredentialsToken({ resource: API }));
    expect(auth.scopes).toEqual([]);
  });

  it('refuses its token for another resource: invalid_audience', async () => {
    const token = await op.clientCredentialsToken({ resource: 'https://other.example.test', scope: 'read:other' });
    await expect(kit.verifyToken(token)).rejects.toMatchObject({ code: 'invalid_audience', status: 401 });
  });

  it('carries organization_id when the token request names one', async () => {
    const auth = await kit.verifyToken(await op.clientCredentialsToken({ resource: API, organizationId: 'org-7' }));
    expect(auth.organizationId).toBe('org-7');
    expect(auth.hasOrganization('org-7')).toBe(true);
    expect(auth.isOrganizationToken).toBe(false);
  });

  it('keeps verifying across a key rotation (new kid fetched once)', async () => {
    const before = await op.clientCredentialsToken({ resource: API });
    await op.rotateKeys();
    const after = await op.clientCredentialsToken({ resource: API });
    expect(after.split('.')[0]).not.toBe(before.split('.')[0]);
    await expect(kit.verifyToken(after)).resolves.toMatchObject({ status: 'authenticated' });
    await expect(kit.verifyToken(before)).resolves.toMatchObject({ status: 'authenticated' });
  });
});
