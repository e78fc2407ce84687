import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestIssuer } from '../../src/testing/index.js';
import { expectRuntimeResults, startRuntimeIssuer } from './harness.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (path: string) => fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url));
const probe = fileURLToPath(new URL('./probe.mjs', import.meta.url));

// Each runtime from its npm package (devDependencies), run for real on the published build,
// serving ./app.mjs with its own HTTP server. workerd: ./workerd.test.ts.
const runtimes: Array<{ name: string; command: string; args: string[] }> = [
  { name: 'Node 22', command: bin('node22/bin/node'), args: [probe] },
  { name: 'Node 24', command: bin('node24/bin/node'), args: [probe] },
  { name: 'Bun', command: bin('.bin/bun'), args: [probe] },
  { name: 'Deno', command: bin('.bin/deno'), args: ['run', '--quiet', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', probe] },
];

let issuer: TestIssuer;
let env: Record<string, string>;

beforeAll(async () => {
  ({ issuer, env } = await startRuntimeIssuer());
});

afterAll(() => issuer?.close());

describe.each(runtimes)('the published build on $name', ({ command, args }) => {
  it('core, Hono and Yoga answer 200 / 401 forged / 403 scope / 401 no token on its own server; a back-channel logout revokes', async () => {
    const { stdout } = await run(command, args, { cwd: root, env: { ...process.env, ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' }, timeout: 60_000 });
    expectRuntimeResults(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
  });
});
