/**
 * Requests per second of each server in {@link SERVER_KINDS}: the server runs
 * in its own process, autocannon drives it from this one, every request
 * carries one of the same 100 valid tokens (as browsers resend theirs).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { ServerKind } from './kinds.js';

/** Load settings; modest for a 2-core machine shared with the server. */
export interface LoadOptions {
  /** @default 10 */
  connections?: number;
  /** Seconds measured. @default 5 */
  seconds?: number;
  /** Seconds of untimed load first (JIT, key set, token cache). @default 1 */
  warmupSeconds?: number;
}

/** One server's result. */
export interface LoadResult {
  kind: ServerKind;
  requestsPerSec: number;
  /** Responses other than 2xx, or errors; must be 0 for a valid run. */
  failures: number;
  latencyP99Ms: number;
}

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

async function startServer(kind: ServerKind, logtoUrl: string, audience: string) {
  const child = fork(SERVER, [kind, logtoUrl, audience], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`server ${kind} exited with ${code}`)));
  });
  return { port, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill())) };
}

function run(kind: ServerKind, port: number, tokens: readonly string[], connections: number, seconds: number) {
  const yoga = kind.startsWith('yoga');
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: yoga ? 'POST' : 'GET',
        path: yoga ? '/graphql' : '/me',
        headers: yoga ? { 'content-type': 'application/json' } : {},
        ...(yoga ? { body: JSON.stringify({ query: '{ me }' }) } : {}),
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]!}` } }),
      },
    ],
  });
}

/**
 * Start `kind`, warm it up, load it, stop it.
 *
 * @example
 * ```ts
 * const r = await loadServer('express-authkit', issuer.logtoUrl, issuer.audience, tokens)
 * ```
 */
export async function loadServer(kind: ServerKind, logtoUrl: string, audience: string, tokens: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const connections = options.connections ?? 10;
  const server = await startServer(kind, logtoUrl, audience);
  try {
    await run(kind, server.port, tokens, connections, options.warmupSeconds ?? 1);
    const result = await run(kind, server.port, tokens, connections, options.seconds ?? 5);
    return {
      kind,
      requestsPerSec: result.requests.average,
      failures: result.non2xx + result.errors + result.timeouts,
      latencyP99Ms: result.latency.p99,
    };
  } finally {
    await server.stop();
  }
}
