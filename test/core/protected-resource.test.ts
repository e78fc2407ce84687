import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthKitOptionsError, createAuthKit, protectedResourceMetadata } from 'logto-authkit';

const RESOURCE = 'https://mcp.example.com/mcp';
const kit = createAuthKit({ logtoUrl: 'https://tenant.logto.app', audience: [RESOURCE, 'https://api.example.com'], onWarning: () => undefined });
afterAll(() => kit.close());

describe('protectedResourceMetadata: the document', () => {
  it('names the resource, the kit issuer as authorization server, header bearer tokens and the given fields', () => {
    const metadata = protectedResourceMetadata(kit, { resource: RESOURCE, scopesSupported: ['read:notes', 'write:notes'], resourceName: 'Notes MCP', resourceDocumentation: 'https://docs.example.com/mcp' });
    expect(metadata.document).toEqual({
      resource: RESOURCE,
      authorization_servers: ['https://tenant.logto.app/oidc'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['read:notes', 'write:notes'],
      resource_name: 'Notes MCP',
      resource_documentation: 'https://docs.example.com/mcp',
    });
    expect(Object.isFrozen(metadata.document)).toBe(true);
    expect(metadata.path).toBe('/.well-known/oauth-protected-resource/mcp');
    expect(metadata.url).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    expect([metadata.matches('/.well-known/oauth-protected-resource/mcp'), metadata.matches('/.well-known/oauth-protected-resource/mcp/'), metadata.matches('/mcp/.well-known/oauth-protected-resource')]).toEqual([true, true, false]);
  });

  it('omits what was not given; authorizationServers overrides the issuers', () => {
    const metadata = protectedResourceMetadata(kit, { resource: RESOURCE, authorizationServers: ['https://auth.example.com/oidc'] });
    expect(metadata.document).toEqual({ resource: RESOURCE, authorization_servers: ['https://auth.example.com/oidc'], bearer_methods_supported: ['header'] });
  });

  it.each([
    [{ resource: 'http://mcp.example.com/mcp' }, /option "resource" must use https: \(http: only on localhost or 127\.0\.0\.1\)/],
    [{ resource: `${RESOURCE}#frag` }, /option "resource" must not have a fragment/],
    [{ resource: 'https://other.example.com/mcp' }, /option "resource" must be one of the kit's audiences \(https:\/\/mcp\.example\.com\/mcp, https:\/\/api\.example\.com\): add it to "audience"/],
    [{}, /option "resource" is required/],
    [{ resource: RESOURCE, scopesSupported: ['a b'] }, /option "scopesSupported\.0" must be scope names without spaces/],
    [{ resource: RESOURCE, bearerMethodsSupported: ['query'] }, /option "bearerMethodsSupported\.0" must be "header"/],
    [{ resource: RESOURCE, maxAge: -1 }, /option "maxAge" must not be negative/],
    [{ resource: RESOURCE, scopes: ['x'] }, /unknown option\(s\) scopes/],
  ])('refuses %j at construction, naming the option', (options, message) => {
    expect(() => protectedResourceMetadata(kit, options as never)).toThrow(AuthKitOptionsError);
    expect(() => protectedResourceMetadata(kit, options as never)).toThrow(message);
  });
});

describe('protectedResourceMetadata: the Fetch form', () => {
  const metadata = protectedResourceMetadata(kit, { resource: RESOURCE, scopesSupported: ['read:notes'], maxAge: 600 });
  const request = (method: string, headers: Record<string, string> = {}) => metadata.handleRequest(new Request(metadata.url, { method, headers }));

  it('GET: 200 JSON, cacheable, open to every origin', async () => {
    const response = request('GET', { origin: 'https://inspector.example', 'mcp-protocol-version': '2025-06-18' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual(metadata.document);
  });

  it('OPTIONS (a browser preflight for MCP-Protocol-Version): 204 allowing the header', async () => {
    const response = request('OPTIONS', { origin: 'https://inspector.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('mcp-protocol-version');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(await response.text()).toBe('');
  });

  it('HEAD: 200 without a body; POST: 405 with Allow', async () => {
    const head = request('HEAD');
    expect([head.status, await head.text()]).toEqual([200, '']);
    const post = request('POST');
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS']);
  });
});

describe('protectedResourceMetadata: the Node form', () => {
  it('answers on a real node:http server', async () => {
    const metadata = protectedResourceMetadata(kit, { resource: RESOURCE });
    const server = createServer((req, res) => {
      if (metadata.matches(new URL(req.url ?? '/', 'http://x').pathname)) metadata.handleNodeRequest(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const response = await fetch(`${base}${metadata.path}`);
      expect([response.status, response.headers.get('cache-control'), response.headers.get('access-control-allow-origin')]).toEqual([200, 'public, max-age=3600', '*']);
      expect(await response.json()).toEqual({ resource: RESOURCE, authorization_servers: ['https://tenant.logto.app/oidc'], bearer_methods_supported: ['header'] });
      expect((await fetch(`${base}${metadata.path}`, { method: 'OPTIONS' })).status).toBe(204);
      expect((await fetch(`${base}/.well-known/oauth-protected-resource`)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
