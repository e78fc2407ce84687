/**
 * The demo server without a browser: the curl commands `npm run demo` prints,
 * the back-channel logout receiver, the page's configuration, and the refusal
 * to start on a taken port.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_PATH, PortInUseError, portFromEnv, startDemo, type Demo } from '../../examples/demo/main.js';

const RESOURCE = 'https://api.example.test';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('demo APIs', () => {
  let demo: Demo;
  let base: string;
  let reader: string;
  beforeAll(async () => {
    demo = await startDemo();
    base = demo.url.replace(/\/$/, '');
    reader = await demo.oidc.clientCredentialsToken({ resource: RESOURCE, scope: 'read:posts' });
  });
  afterAll(() => demo?.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  it('answers the printed tRPC curls with 200, 401 and 403', async () => {
    const ok = await fetch(`${base}/trpc/posts`, { headers: bearer(reader) });
    expect(ok.status).toBe(200);
    const none = await fetch(`${base}/trpc/posts`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    const forbidden = await fetch(`${base}/trpc/createPost`, { method: 'POST', headers: bearer(reader), body: JSON.stringify({ title: 'Hello' }) });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await forbidden.text()).not.toContain('stack');
  });

  it('answers the printed GraphQL curls with 200, 401 and 403', async () => {
    const post = (query: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }) });
    const ok = await post('{ whoami { userId scopes } posts { id } }', bearer(reader));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ data: { whoami: { userId: demo.oidc.m2m.clientId, scopes: ['read:posts'] } } });
    expect((await post('{ posts { id } }')).status).toBe(401);
    expect((await post('mutation { createPost(title: "Hello") { id } }', bearer(reader))).status).toBe(403);
  });

  it('answers a guest whoami with 200 on both APIs', async () => {
    const trpc = await fetch(`${base}/trpc/whoami`);
    expect(trpc.status).toBe(200);
    expect(await trpc.json()).toMatchObject({ result: { data: { status: 'guest', userId: null } } });
    const graphql = await fetch(`${base}/graphql?query=${encodeURIComponent('{ whoami { status } }')}`);
    expect(await graphql.json()).toEqual({ data: { whoami: { status: 'guest' } } });
  });

  it('serves the back-channel logout receiver: a forged logout token is refused with 400 and revokes nothing', async () => {
    const forged = await fetch(`${base}${BACKCHANNEL_LOGOUT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: `${reader.slice(0, -4)}AAAA` }).toString(),
    });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('cache-control')).toBe('no-store');
    expect(demo.logouts).toEqual([]);
    expect((await fetch(`${base}/trpc/posts`, { headers: bearer(reader) })).status).toBe(200);
  });

  it('serves the page with the SDK configuration and a CSP that lets it reach only itself and the provider', async () => {
    const page = await fetch(demo.url);
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${demo.oidc.logtoUrl};`);
    const html = await page.text();
    const config = JSON.parse(/<script type="application\/json" id="demo-config">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as Record<string, unknown>;
    expect(config).toEqual({ logtoUrl: demo.oidc.logtoUrl, issuer: demo.oidc.issuer, clientId: demo.oidc.spa.clientId, resource: RESOURCE, scopes: ['read:posts', 'write:posts'] });
    const script = await (await fetch(`${base}/app.js`)).text();
    // @logto/browser is bundled into the page's own script: nothing is loaded from a CDN.
    expect(script).toContain('urn:logto:scope:organizations');
    expect(script).not.toMatch(/https:\/\/(cdn|unpkg|esm\.sh)/);
  });
});

describe('demo ports', () => {
  it('refuses a taken provider port naming OIDC_PORT', async () => {
    const { server, port } = await occupy();
    try {
      const error: unknown = await startDemo({ oidcPort: port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toBe(`port ${port} is already in use; set OIDC_PORT to another port (e.g. OIDC_PORT=${port + 10})`);
    } finally {
      server.close();
    }
  });

  it('npm run demo exits with a message naming DEMO_PORT when the port is taken', async () => {
    const { server, port } = await occupy();
    try {
      const run = promisify(execFile)(`${ROOT}node_modules/.bin/tsx`, ['examples/demo/main.ts'], { cwd: ROOT, env: { ...process.env, DEMO_PORT: String(port), OIDC_PORT: '0' } });
      const failure = (await run.catch((e: unknown) => e)) as { code?: number; stderr?: string };
      expect(failure.code).toBe(1);
      expect(failure.stderr?.trim()).toBe(`demo: port ${port} is already in use; set DEMO_PORT to another port (e.g. DEMO_PORT=${port + 10})`);
    } finally {
      server.close();
    }
  });

  it('reads ports from the environment and names a bad variable', () => {
    expect(portFromEnv('DEMO_TEST_UNSET_PORT', 3000)).toBe(3000);
    process.env.DEMO_TEST_PORT = '4100';
    expect(portFromEnv('DEMO_TEST_PORT', 3000)).toBe(4100);
    process.env.DEMO_TEST_PORT = 'abc';
    expect(() => portFromEnv('DEMO_TEST_PORT', 3000)).toThrow('DEMO_TEST_PORT must be a port number (0-65535), got "abc"');
    delete process.env.DEMO_TEST_PORT;
  });
});
