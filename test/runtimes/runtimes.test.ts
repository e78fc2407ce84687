import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, generateTestSigningKey, type TestIssuer } from '../../src/testing/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (path: string) => fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url));
const probe = fileURLToPath(new URL('./probe.mjs', import.meta.url));

// Each runtime from its npm package (devDependencies), run for real on the published build.
const runtimes: Array<{ name: string; command: string; args: string[] }> = [
  { name: 'Node 22', command: bin('node22/bin/node'), args: [probe] },
  { name: 'Node 24', command: bin('node24/bin/node'), args: [probe] },
  { name: 'Bun', command: bin('.bin/bun'), args: [probe] },
  { name: 'Deno', command: bin('.bin/deno'), args: ['run', '--quiet', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', probe] },
];

let issuer: TestIssuer;
const env: Record<string, string> = {};

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) throw new Error('run `npm run build` first: the runtimes load dist/');
  issuer = await createTestIssuer();
  const foreignKey = await (await generateTestSigningKey()).signingKey('ES384');
  Object.assign(env, {
    LOGTO_URL: issuer.logtoUrl,
    AUDIENCE: issuer.audience,
    GOOD: await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' }),
    // Signed by another key under the issuer's own kid: a forgery.
    FORGED: await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' }, { key: foreignKey }),
    NO_SCOPE: await issuer.mintToken({ sub: 'user-2', scope: 'read:posts' }),
  });
});

afterAll(() => issuer?.close());

describe.each(runtimes)('the published core on $name', ({ command, args }) => {
  it('accepts a real token, refuses a forged one (401), a missing scope (403) and no token (401), bare and in a Hono app', async () => {
    const { stdout } = await run(command, args, { cwd: root, env: { ...process.env, ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' }, timeout: 60_000 });
    const results = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(results.GOOD).toMatchObject({ status: 200, body: { userId: 'user-1' } });
    expect(results.FORGED.status).toBe(401);
    expect(results.FORGED.wwwAuthenticate).toMatch(/error="invalid_token"/);
    expect(results.NO_SCOPE.status).toBe(403);
    expect(results.NO_SCOPE.wwwAuthenticate).toMatch(/error="insufficient_scope".*scope="write:posts"/);
    expect(results.NONE.status).toBe(401);
    expect(results.NONE.wwwAuthenticate).not.toMatch(/error=/);
    expect([results.HONO_GOOD.status, results.HONO_FORGED.status, results.HONO_NO_SCOPE.status, results.HONO_NONE.status]).toEqual([200, 401, 403, 401]);
    expect(results.HONO_GOOD.body).toEqual({ userId: 'user-1' });
    expect(results.HONO_NO_SCOPE.wwwAuthenticate).toBe(results.NO_SCOPE.wwwAuthenticate);
  });
});
