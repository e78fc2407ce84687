import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import { createAuthKit, protectedResourceMetadataUrl, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { createMcpApp } from '../../examples/mcp/app.js';

// examples/mcp served on 127.0.0.1, driven by the SDK's own client with tokens from the test issuer.
let issuer: TestIssuer;
const kits: AuthKit[] = [];
const servers: Server[] = [];

/** The example app on a free port; its resource is `http://127.0.0.1:<port>/mcp`. */
async function startExample(kitOptions: { jwksUrl?: string } = {}): Promise<string> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  const kit = createAuthKit({ issuer: issuer.issuer, jwksUrl: kitOptions.jwksUrl ?? issuer.jwksUrl, audience: resource, resourceMetadataUrl: protectedResourceMetadataUrl(resource) });
  kits.push(kit);
  server.on('request', createMcpApp(kit, resource));
  return resource;
}

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

const initialize = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });

let url: string;
let downUrl: string;
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'unused' });
  url = await startExample();
  downUrl = await startExample({ jwksUrl: 'http://127.0.0.1:1/jwks' });
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  for (const kit of kits) kit.close();
  await issuer.close();
});

const mint = (scope: string, resource = url) => issuer.mintToken({ sub: 'user-1', scope, aud: resource });

describe('examples/mcp', () => {
  it('no token: 401 whose challenge names the metadata; the client discovers Logto from it', async () => {
    const response = await initialize(url);
    expect(response.status).toBe(401);
    const { resourceMetadataUrl } = extractWWWAuthenticateParams(response);
    expect(resourceMetadataUrl?.href).toBe(url.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'));
    const metadata = await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl });
    expect(metadata).toMatchObject({ resource: url, authorization_servers: [issuer.issuer], scopes_supported: ['notes:read', 'notes:write'], bearer_methods_supported: ['header'] });
    // Without the hint, the SDK's path-aware discovery (RFC 9728 §3.1) finds the same document.
    expect(await discoverOAuthProtectedResourceMetadata(url)).toEqual(metadata);
  });

  it('a valid token lists and calls the tools', async () => {
    const client = await connect(url, await mint('notes:read notes:write'));
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['add_note', 'whoami']);
      expect((await client.callTool({ name: 'whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'user-1' }]);
      expect((await client.callTool({ name: 'add_note', arguments: { text: 'hello' } })).content).toEqual([{ type: 'text', text: '1 notes' }]);
    } finally {
      await client.close();
    }
  });

  it('a missing scope: 403 insufficient_scope naming the scope, and the tool never runs', async () => {
    const token = await mint('notes:read');
    const client = await connect(url, token);
    try {
      expect((await client.callTool({ name: 'whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'user-1' }]);
      const error = await client.callTool({ name: 'add_note', arguments: { text: 'nope' } }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(StreamableHTTPError);
      expect((error as StreamableHTTPError).code).toBe(403);
    } finally {
      await client.close();
    }
    const raw = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'add_note', arguments: { text: 'nope' } } }),
    });
    expect(raw.status).toBe(403);
    expect(extractWWWAuthenticateParams(raw)).toMatchObject({ error: 'insufficient_scope', scope: 'notes:write' });
    expect(raw.headers.get('www-authenticate')).toContain('resource_metadata="');
    const writer = await connect(url, await mint('notes:write'));
    // One note so far: the refused calls added none.
    expect((await writer.callTool({ name: 'add_note', arguments: { text: 'yes' } })).content).toEqual([{ type: 'text', text: '2 notes' }]);
    await writer.close();
  });

  it('a forged token and a token for another resource: 401 invalid_token', async () => {
    const { privateKey } = await generateKeyPair('ES384');
    const forged = await initialize(url, { authorization: `Bearer ${await issuer.mintToken({ scope: 'notes:read', aud: url }, { key: privateKey })}` });
    expect([forged.status, extractWWWAuthenticateParams(forged).error]).toEqual([401, 'invalid_token']);
    const elsewhere = await initialize(url, { authorization: `Bearer ${await mint('notes:read', 'https://other.example/mcp')}` });
    expect([elsewhere.status, extractWWWAuthenticateParams(elsewhere).error]).toEqual([401, 'invalid_token']);
  });

  it('JWKS unreachable: 500, not 401 (an outage must not read as a bad token)', async () => {
    const response = await initialize(downUrl, { authorization: `Bearer ${await mint('notes:read', downUrl)}` });
    expect(response.status).toBe(500);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(((await response.json()) as { error: string }).error).toBe('server_error');
  });
});
