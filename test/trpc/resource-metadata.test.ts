import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { buildApp, startStandalone, type RunningServer } from './harness.js';

// RFC 9728 §5.1 through tRPC: the kit's `resourceMetadataUrl` reaches the 401/403 challenge.
const METADATA = 'https://api.example.test/.well-known/oauth-protected-resource';
let issuer: TestIssuer;
let kit: AuthKit;
let server: RunningServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, resourceMetadataUrl: METADATA });
  const { router, createContext } = buildApp(kit);
  server = await startStandalone(router, createContext);
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

describe('tRPC challenges with resourceMetadataUrl', () => {
  it('401 without a token, 401 with a bad one, 403 for a missing scope: each names the metadata', async () => {
    const missing = await fetch(`${server.url}/me`);
    expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, `Bearer realm="api", resource_metadata="${METADATA}"`]);
    const bad = await fetch(`${server.url}/me`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token".*, resource_metadata="https:\/\/api\.example\.test\/\.well-known\/oauth-protected-resource"$/);
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const forbidden = await fetch(`${server.url}/createPost`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"title":"x"}' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain(`scope="write:posts", resource_metadata="${METADATA}"`);
  });
});
