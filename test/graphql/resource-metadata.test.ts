import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { gql, startYogaServer, type TestServer } from './harness.js';

// RFC 9728 §5.1 through Yoga: the kit's `resourceMetadataUrl` reaches the HTTP challenge.
const METADATA = 'https://api.example.test/.well-known/oauth-protected-resource';
let issuer: TestIssuer;
let kit: AuthKit;
let server: TestServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, resourceMetadataUrl: METADATA });
  server = await startYogaServer(kit);
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

describe('Yoga challenges with resourceMetadataUrl', () => {
  it('401 for an @auth field without a token, and with a bad token, names the metadata', async () => {
    const missing = await gql(server.url, '{ requiredSecret }');
    expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, `Bearer realm="api", resource_metadata="${METADATA}"`]);
    const bad = await gql(server.url, '{ requiredSecret }', { token: 'not.a.jwt' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token".*, resource_metadata="https:\/\/api\.example\.test\/\.well-known\/oauth-protected-resource"$/);
  });

  it('403 for a missing scope names it too', async () => {
    const response = await gql(server.url, 'mutation { createPost(title: "x") { id } }', { token: await issuer.mintToken({ scope: 'read:posts' }) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain(`resource_metadata="${METADATA}"`);
  });

  it('401 for introspection restricted to authenticated callers names it too, for a guest as for no token', async () => {
    const guestKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, resourceMetadataUrl: METADATA, allowGuest: true });
    const gated = [await startYogaServer(kit, { introspection: 'authenticated' }), await startYogaServer(guestKit, { introspection: 'authenticated' })];
    try {
      for (const { url } of gated) {
        const response = await gql(url, '{ __schema { queryType { name } } }');
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain(`resource_metadata="${METADATA}"`);
      }
    } finally {
      for (const server of gated) await server.close();
      guestKit.close();
    }
  });
});
