import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestIssuer } from '../../src/testing/index.js';
import { expectRuntimeResults, startRuntimeIssuer } from './harness.js';
import { exercise } from './exercise.mjs';

const workerd = fileURLToPath(new URL('../../node_modules/.bin/workerd', import.meta.url));
const entry = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** A port nobody listens on now (the OS picks it; workerd binds it right after). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// workerd's config is Cap'n Proto text (node_modules/workerd/workerd.capnp). The worker's
// global fetch goes out through "loopback": by default a worker may reach public addresses only
// (SSRF guard, `Network.allow`), and the test issuer's JWKS is on 127.0.0.1.
const config = (port: number, env: Record<string, string>) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-17",
  globalOutbound = "loopback",
  bindings = [${Object.entries(env)
    .map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`)
    .join(', ')}],
);
`;

let issuer: TestIssuer;
let env: Record<string, string>;
let dir: string;
let child: ChildProcess | undefined;
let base: string;
let stderr = '';

/** Starts workerd and resolves once it answers HTTP; rejects with its stderr if it exits first. */
async function startWorkerd(port: number): Promise<void> {
  stderr = '';
  writeFileSync(join(dir, 'config.capnp'), config(port, { LOGTO_URL: env.LOGTO_URL ?? '', AUDIENCE: env.AUDIENCE ?? '', CLIENT_ID: env.CLIENT_ID ?? '' }));
  const started = spawn(workerd, ['serve', join(dir, 'config.capnp')], { cwd: dir, env: { ...process.env, PWD: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
  child = started;
  started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    started.once('error', (error) => reject(new Error(`workerd could not start (${workerd}): ${error.message}`)));
    started.once('exit', (code) => reject(new Error(`workerd exited with ${code} before answering on 127.0.0.1:${port}:\n${stderr}`)));
  });
  const answering = (async () => {
    // Polls the socket (no timer): each attempt is one refused or answered connection.
    for (let attempt = 0; attempt < 5000 && started.exitCode === null; attempt++) {
      try {
        await fetch(`http://127.0.0.1:${port}/health`);
        return;
      } catch {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await exited;
    throw new Error(`workerd did not answer on 127.0.0.1:${port}:\n${stderr}`);
  })();
  await Promise.race([answering, exited]);
}

beforeAll(async () => {
  ({ issuer, env } = await startRuntimeIssuer());
  dir = mkdtempSync(join(tmpdir(), 'authkit-workerd-'));
  // The published dist with Hono and Yoga, bundled as a Workers build would: ESM, browser/worker conditions.
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    outfile: join(dir, 'worker.js'),
    logLevel: 'silent',
  });
  // Another process may take the free port before workerd binds it: then try another one.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await startWorkerd(port);
      base = `http://127.0.0.1:${port}`;
      return;
    } catch (error) {
      if (attempt === 3 || !/in use/i.test(stderr)) throw error;
    }
  }
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exit = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exit;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  await issuer?.close();
});

describe('the published build on workerd', () => {
  it('core, Hono and Yoga answer 200 / 401 forged / 403 scope / 401 no token, verifying against the JWKS on 127.0.0.1; a back-channel logout revokes', async () => {
    expect(issuer.jwksRequests).toBe(0);
    const results = await exercise(base, env);
    expectRuntimeResults(results);
    // The keys came from the test issuer over 127.0.0.1, fetched by the worker itself.
    expect(issuer.jwksRequests).toBeGreaterThan(0);
  });
});
