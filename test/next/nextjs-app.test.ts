import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../express/raw-http.js';
import { expectRefusal } from '../helpers/expect-refusal.js';

// Builds examples/nextjs once (`next build --webpack`, ~40 s on 2 cores), starts
// it with `next start` against a local test issuer and talks to it over HTTP.
const appDir = fileURLToPath(new URL('../../examples/nextjs/', import.meta.url));
const nextBin = fileURLToPath(new URL('../../node_modules/next/dist/bin/next', import.meta.url));
const AUDIENCE = 'https://api.example.test';

let issuer: TestIssuer;
let server: ChildProcess | undefined;
let base: string;
let port: number;

function run(args: string[], env: Record<string, string>, onExit?: (code: number | null) => void): ChildProcess {
  const child = spawn(process.execPath, [nextBin, ...args], { cwd: appDir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.on('exit', (code) => {
    // 143 = 128 + SIGTERM: how `next start` ends when afterAll stops it.
    if (code !== 0 && code !== null && code !== 143) console.error(`next ${args[0]} exited with ${code}:\n${output}`);
    onExit?.(code);
  });
  return child;
}

const build = (): Promise<void> =>
  new Promise((resolve, reject) => run(['build', '--webpack'], {}, (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code})`)))));

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

async function waitForServer(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`next start did not answer at ${url}`);
}

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE });
  await build();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Node's default 16 KiB header limit would answer 431 before Next.js sees the junk-cookie request.
  server = run(['start', '-p', String(port), '-H', '127.0.0.1'], {
    LOGTO_URL: issuer.logtoUrl,
    LOGTO_AUDIENCE: AUDIENCE,
    NODE_OPTIONS: '--max-http-header-size=65536',
  });
  await waitForServer(`${base}/sign-in`, Date.now() + 60_000);
}, 300_000);

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await issuer?.close();
});

const bearer = async (claims: Record<string, unknown> = {}) => ({ authorization: `Bearer ${await issuer.mintToken(claims)}` });


describe('examples/nextjs: route handlers with withAuth', () => {
  it('401 without a token, with the Bearer challenge', async () => {
    const res = await fetch(`${base}/api/me`);
    await expectRefusal(res, 401, 'missing_token');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('200 with a minted token; the JSON has the userId', async () => {
    const res = await fetch(`${base}/api/me`, { headers: await bearer({ sub: 'next-user' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: 'next-user' });
  });

  it('403 naming the missing scope; 200 with it', async () => {
    const res = await fetch(`${base}/api/posts`, { headers: await bearer({ scope: 'write:posts' }) });
    const body = await expectRefusal(res, 403, 'insufficient_scope');
    expect(body.error_description).toContain('read:posts');
    expect(res.headers.get('www-authenticate')).toContain('scope="read:posts"');
    expect((await fetch(`${base}/api/posts`, { headers: await bearer({ scope: 'read:posts' }) })).status).toBe(200);
  });

  it('the same handler on the edge runtime', async () => {
    await expectRefusal(await fetch(`${base}/api/edge/me`), 401, 'missing_token');
    const res = await fetch(`${base}/api/edge/me`, { headers: await bearer({ sub: 'edge-user' }) });
    expect(await res.json()).toEqual({ userId: 'edge-user', runtime: 'edge' });
  });
});

describe('examples/nextjs: proxy.ts', () => {
  it('redirects a signed-out visitor of /dashboard to /sign-in', async () => {
    const res = await fetch(`${base}/dashboard`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get('location') ?? '', base).pathname).toBe('/sign-in');
  });

  it('redirects a visitor whose cookie token is expired', async () => {
    const expired = await issuer.mintToken({}, { now: Date.now() - 7_200_000 });
    const res = await fetch(`${base}/dashboard/settings`, { redirect: 'manual', headers: { cookie: `logto_authtoken=${expired}` } });
    expect(res.status).toBe(307);
  });

  it('lets a signed-in visitor (logto_authtoken cookie) through to the page', async () => {
    const token = await issuer.mintToken({ sub: 'dash-user' });
    const res = await fetch(`${base}/dashboard`, { redirect: 'manual', headers: { cookie: `logto_authtoken=${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-user-id="dash-user"');
  });
});

describe('examples/nextjs: bad input answers 400/401 JSON, never 500', () => {
  const send = (...headers: (string | Buffer)[]) => rawRequest(port, ['GET /api/me HTTP/1.1', `Host: 127.0.0.1:${port}`, ...headers]);
  const expectRefusal = (res: { status: number; body: string }, status: number) => {
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ error: expect.any(String), error_description: expect.any(String), reason: expect.any(String) });
  };
  const expect401 = (res: { status: number; body: string }) => expectRefusal(res, 401);

  it('a 16 KiB Cookie header of junk', async () => {
    const junk = Array.from({ length: 16 * 1024 }, (_, i) => '=;a%\\"\t,x'[i % 10]).join('');
    expect401(await send(`Cookie: ${junk}`));
  });

  // Node's HTTP server discards a repeated Authorization line before Next.js builds
  // the Request (only `rawHeaders` keeps it, and Next.js does not pass that on), so
  // no code in a Next.js app can see the second header under `next start`. What
  // holds: the second token never wins and nothing answers 500. The merged form a
  // Fetch runtime or a `joinDuplicateHeaders` server delivers is 400 (with-auth.test.ts).
  it('two Authorization headers: the first line is the only one Next.js sees', async () => {
    const second = await bearer({ sub: 'second' });
    // RFC 6750 §3.1: the one header Next.js sees is malformed, a 400 invalid_request.
    const malformed = await send('Authorization: Bearer not a token', `Authorization: ${second.authorization}`);
    expectRefusal(malformed, 400);
    expect(JSON.parse(malformed.body)).toMatchObject({ error: 'invalid_request' });
    const first = await send(`Authorization: ${(await bearer({ sub: 'first' })).authorization}`, `Authorization: ${second.authorization}`);
    expect(JSON.parse(first.body)).toMatchObject({ userId: 'first' });
  });

  it('a Cookie header that is not UTF-8', async () => {
    expect401(await send(Buffer.concat([Buffer.from('Cookie: logto_authtoken='), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80])])));
    expect401(await send('Cookie: logto_authtoken=%FF%FE'));
  });
});
