import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { createBackchannelLogoutHandler, createMemoryRevocationStore, toNodeHandler, type MemoryRevocationStore } from '../../src/revocation/index.js';

let issuer: TestIssuer;
let kit: AuthKit;
let store: MemoryRevocationStore;
const servers: Server[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  store = createMemoryRevocationStore();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: store });
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  kit.close();
  await issuer.close();
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const logout = (url: string, token: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) });

describe('toNodeHandler', () => {
  const handler = () => toNodeHandler(createBackchannelLogoutHandler({ kit, clientId: issuer.clientId }));

  it('serves node:http: 200 no-store for a valid token, 400 JSON for a bad one, 405 for GET', async () => {
    const url = await listen(createServer((req, res) => void handler()(req, res)));
    const ok = await logout(url, await issuer.mintLogoutToken({ sub: 'node-1' }));
    expect([ok.status, ok.headers.get('cache-control')]).toEqual([200, 'no-store']);
    expect(store.getRevokedAt('node-1', issuer.issuer)).toBeDefined();
    const bad = await logout(url, await issuer.mintToken({ sub: 'node-2' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    expect(store.getRevokedAt('node-2', issuer.issuer)).toBeUndefined();
    expect((await fetch(url)).status).toBe(405);
  });

  it('serves Express, with the raw stream or after express.urlencoded() consumed it', async () => {
    const app = express();
    app.post('/raw', handler());
    app.post('/parsed', express.urlencoded({ extended: false }), handler());
    const url = await listen(createServer(app));
    expect((await logout(`${url}/raw`, await issuer.mintLogoutToken({ sub: 'express-raw' }))).status).toBe(200);
    expect((await logout(`${url}/parsed`, await issuer.mintLogoutToken({ sub: 'express-parsed' }))).status).toBe(200);
    expect(store.getRevokedAt('express-raw', issuer.issuer)).toBeDefined();
    expect(store.getRevokedAt('express-parsed', issuer.issuer)).toBeDefined();
    const tooBig = await fetch(`${url}/raw`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `logout_token=${'a'.repeat(100_000)}` });
    expect(tooBig.status).toBe(413);
  });

  it('hands an unexpected failure to Express’s next, or answers 500 on node:http', async () => {
    const failing = toNodeHandler(() => Promise.reject(new Error('boom')));
    const app = express();
    app.post('/x', failing);
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(502).end());
    const url = await listen(createServer(app));
    expect((await fetch(`${url}/x`, { method: 'POST' })).status).toBe(502);
    const plain = await listen(createServer((req, res) => void failing(req, res)));
    expect((await fetch(plain, { method: 'POST' })).status).toBe(500);
  });
});
