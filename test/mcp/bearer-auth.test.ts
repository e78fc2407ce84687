import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBearerAuth as requireBearerAuthESM } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { createAuthKit, protectedResourceMetadataUrl, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';

// The SDK's own middleware with the built package, ESM and CJS: the SDK checks `instanceof`
// against its own classes, and its ESM and CJS builds are two copies of them.
type Mcp = typeof import('logto-authkit/mcp');
type BearerAuth = typeof import('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js');
const root = new URL('../../', import.meta.url);
const require = createRequire(import.meta.url);
let esm: Mcp;
let cjs: Mcp;
let requireBearerAuthCJS: BearerAuth['requireBearerAuth'];

const RESOURCE = 'http://127.0.0.1:1/mcp';
const METADATA = protectedResourceMetadataUrl(RESOURCE);
let issuer: TestIssuer;
let kit: AuthKit;
let down: AuthKit;
let server: Server;
let base: string;

beforeAll(async () => {
  if (!existsSync(new URL('dist/mcp/index.cjs', root))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const esmPath = new URL('dist/mcp/index.js', root).href;
  esm = (await import(/* @vite-ignore */ esmPath)) as Mcp;
  cjs = require('../../dist/mcp/index.cjs') as Mcp;
  requireBearerAuthCJS = (require('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js') as BearerAuth).requireBearerAuth;
  issuer = await createTestIssuer({ audience: RESOURCE });
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: RESOURCE });
  down = createAuthKit({ issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:1/jwks', audience: RESOURCE, onWarning: () => undefined });
  const app = express();
  const echo: RequestHandler = (req, res) => res.json({ clientId: req.auth?.clientId, userId: (req.auth?.extra?.auth as { userId: string }).userId });
  const mount = (name: string, build: Mcp, guard: BearerAuth['requireBearerAuth']) => {
    app.get(`/${name}`, guard({ verifier: build.createMcpTokenVerifier(kit), requiredScopes: ['read:notes'], resourceMetadataUrl: METADATA, expectedResource: new URL(RESOURCE) }), echo);
    app.get(`/${name}/down`, guard({ verifier: build.createMcpTokenVerifier(down) }), echo);
  };
  mount('esm', esm, requireBearerAuthESM);
  mount('cjs', cjs, requireBearerAuthCJS);
  mount('mixed', esm, requireBearerAuthCJS);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  kit?.close();
  down?.close();
  await issuer?.close();
});

const get = (path: string, token?: string) => fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe.each(['esm', 'cjs'])("the SDK's requireBearerAuth with the %s build", (name) => {
  it('a valid token with the scope: 200, req.auth from the verifier', async () => {
    const response = await get(`/${name}`, await issuer.mintToken({ sub: 'user-1', scope: 'read:notes' }));
    expect([response.status, await response.json()]).toEqual([200, { clientId: issuer.clientId, userId: 'user-1' }]);
  });

  it('a forged token: 401 invalid_token with resource_metadata', async () => {
    const { privateKey } = await generateKeyPair('ES384');
    const response = await get(`/${name}`, await issuer.mintToken({ scope: 'read:notes' }, { key: privateKey }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]+", scope="read:notes", resource_metadata="http:\/\/127\.0\.0\.1:1\/\.well-known\/oauth-protected-resource\/mcp"$/);
  });

  it('a missing scope: 403 insufficient_scope', async () => {
    const response = await get(`/${name}`, await issuer.mintToken({ scope: 'other' }));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe('insufficient_scope');
  });

  it('JWKS unreachable: 500 server_error, never 401', async () => {
    const response = await get(`/${name}/down`, await issuer.mintToken());
    expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([500, 'server_error']);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});

describe('a mismatched pair', () => {
  it("the ESM verifier under the CJS middleware: the SDK does not know its errors (500), so keep one module format", async () => {
    const response = await get('/mixed', await issuer.mintToken({ scope: 'other' }, { expiresIn: -10 }));
    expect(response.status).toBe(500);
  });
});
