import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import express from 'express';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, type Browser } from '../e2e/chromium.js';
import { startYogaServer, type TestServer } from '../graphql/harness.js';

// logto-authkit/client as a browser runs it: bundled by esbuild for the browser,
// loaded by Chromium from the API's own origin, against real servers.
let issuer: TestIssuer;
let kit: AuthKit;
let api: Server;
let origin: string;
let yoga: TestServer;
let browser: Browser;
/** What the page's bundle exports (as `window.authkit`). */
type Module = typeof import('logto-authkit/client') & typeof import('graphql-ws');

beforeAll(async () => {
  if (!hasChromium) return;
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, clockTolerance: 0 });
  yoga = await startYogaServer(kit);
  const bundle = await build({
    stdin: { contents: `export * from './src/client/index.ts'; export { createClient } from 'graphql-ws';`, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const app = express();
  app.get('/', (_req, res) => void res.type('html').send(`<!doctype html><title>client</title><script type="module">import * as kit from '/client.js'; window.authkit = kit;</script>`));
  app.get('/client.js', (_req, res) => void res.type('js').send(bundle.outputFiles[0]?.text));
  app.use(authMiddleware(kit));
  app.get('/me', requireAuth(), (req, res) => void res.json({ userId: req.auth?.status === 'authenticated' ? req.auth.userId : null }));
  api = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => api.once('listening', resolve));
  origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  browser = await launchChromium();
  await browser.page.goto(origin);
  await browser.page.waitForFunction(() => 'authkit' in window);
});
afterAll(async () => {
  if (!hasChromium) return;
  await browser.close();
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  await yoga.close();
  kit.close();
  await issuer.close();
});

describe.skipIf(!hasChromium)('logto-authkit/client in Chromium', () => {
  it('createAuthFetch replaces an expired token once and the call succeeds', async () => {
    const tokens = [await issuer.mintToken({ sub: 'browser-user' }, { now: Date.now() - 7_200_000 }), await issuer.mintToken({ sub: 'browser-user' })];
    const outcome = await browser.page.evaluate(async (list) => {
      const { createAuthFetch } = (window as unknown as { authkit: Module }).authkit;
      let gets = 0;
      let clears = 0;
      const authFetch = createAuthFetch({ getAccessToken: async () => list[Math.min(gets++, list.length - 1)], clearAccessToken: async () => void clears++ });
      const response = await authFetch('/me');
      return { status: response.status, body: (await response.json()) as unknown, gets, clears };
    }, tokens);
    expect(outcome).toEqual({ status: 200, body: { userId: 'browser-user' }, gets: 2, clears: 1 });
    expect(browser.errors.filter((e) => !e.text.includes('401'))).toEqual([]);
  });

  it('a graphql-ws subscription whose token expires mid-stream goes on with a fresh token', async () => {
    const tokens = [await issuer.mintToken({ sub: 'browser-user' }, { expiresIn: 2 }), await issuer.mintToken({ sub: 'browser-user' })];
    const outcome = await browser.page.evaluate(
      async ([list, url]) => {
        const client = (window as unknown as { authkit: Module }).authkit;
        let gets = 0;
        const auth = client.createGraphQLWSClientAuth({ getAccessToken: async () => list[Math.min(gets++, list.length - 1)], clearAccessToken: async () => undefined });
        const gql = client.createClient({ url, connectionParams: auth.connectionParams, shouldRetry: auth.shouldRetry, retryWait: async () => undefined });
        const ticks: unknown[] = [];
        const ended = await new Promise<string>((resolve) => {
          const stop = auth.subscribe(gql, { query: 'subscription { ticks }' }, {
            next(result) {
              ticks.push(result.errors ? 'error' : (result.data as { ticks: number }).ticks);
              if (ticks.filter((t) => t === 0).length >= 2) {
                stop();
                resolve('restarted');
              }
            },
            error: () => resolve('error'),
            complete: () => resolve('complete'),
          });
        });
        await gql.dispose();
        return { ended, gets, errors: ticks.filter((t) => t === 'error').length };
      },
      [tokens, yoga.wsUrl] as const,
    );
    expect(outcome).toEqual({ ended: 'restarted', gets: 2, errors: 0 });
  });
});
