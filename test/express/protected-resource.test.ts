import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, protectedResourceMetadataUrl, type AuthKit } from 'logto-authkit';
import { authMiddleware, protectedResourceMetadataRoute, requireAuth } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { startExpress, type ExpressServer } from './harness.js';

// The Express form of the RFC 9728 document, and the kit's challenge naming it on 401 and 403.
let issuer: TestIssuer;
let kit: AuthKit;
let server: ExpressServer;
let resource: string;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'http://127.0.0.1:1/mcp' });
  resource = issuer.audience;
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: resource, resourceMetadataUrl: protectedResourceMetadataUrl(resource) });
  server = await startExpress((app) => {
    app.use(protectedResourceMetadataRoute(kit, { resource, scopesSupported: ['read:notes'] }));
    app.use(authMiddleware(kit));
    app.get('/notes', requireAuth({ scopes: ['read:notes'] }), (_req, res) => res.json(['a note']));
  });
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

describe('protectedResourceMetadataRoute', () => {
  it('serves the document at the RFC 9728 §3.1 path, with CORS and a preflight answer', async () => {
    const response = await fetch(`${server.url}/.well-known/oauth-protected-resource/mcp`, { headers: { 'mcp-protocol-version': '2025-06-18' } });
    expect([response.status, response.headers.get('access-control-allow-origin'), response.headers.get('cache-control')]).toEqual([200, '*', 'public, max-age=3600']);
    expect(await response.json()).toEqual({ resource, authorization_servers: [issuer.issuer], bearer_methods_supported: ['header'], scopes_supported: ['read:notes'] });
    const preflight = await fetch(`${server.url}/.well-known/oauth-protected-resource/mcp`, { method: 'OPTIONS', headers: { origin: 'https://x.example', 'access-control-request-method': 'GET' } });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, '*']);
  });

  it('passes other paths on: the protected route still answers 401 itself', async () => {
    const response = await fetch(`${server.url}/notes`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="api", resource_metadata="${protectedResourceMetadataUrl(resource)}"`);
  });

  it('refuses a bad option at creation', () => {
    expect(() => protectedResourceMetadataRoute(kit, { resource: 'https://elsewhere.example/mcp' })).toThrow(/must be one of the kit's audiences/);
  });
});

describe('Express challenges with resourceMetadataUrl', () => {
  it('a bad token: 401 invalid_token with resource_metadata; a missing scope: 403 with it too', async () => {
    const bad = await fetch(`${server.url}/notes`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token", .*resource_metadata="http:\/\/127\.0\.0\.1:1\/\.well-known\/oauth-protected-resource\/mcp"$/);
    const token = await issuer.mintToken({ scope: 'other' });
    const forbidden = await fetch(`${server.url}/notes`, { headers: { authorization: `Bearer ${token}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="read:notes", resource_metadata="/);
    const ok = await fetch(`${server.url}/notes`, { headers: { authorization: `Bearer ${await issuer.mintToken({ scope: 'read:notes' })}` } });
    expect(await ok.json()).toEqual(['a note']);
  });
});
