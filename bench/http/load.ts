/**
 * Starting the servers of `server.ts` (one process each, kept for the whole
 * benchmark so that rounds can interleave them), checking that each really
 * verifies its token, and loading them with autocannon from this process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { checksTokens, type ServerKind, type WSKind } from './kinds.js';
import { kitSource } from './kit-source.js';
import { pinCores } from './pinning.js';

/** Load settings. */
export interface LoadOptions {
  /** Connections kept open by autocannon. @default 50 */
  connections?: number;
  /** Seconds measured. @default 3 */
  seconds?: number;
  /** Seconds of untimed load first (connections, JIT, token cache). @default 0.5 */
  warmupSeconds?: number;
}

/** One run's result. */
export interface LoadResult {
  requestsPerSec: number;
  /** Responses other than 2xx, or errors; must be 0 for a valid run. */
  failures: number;
  latencyP99Ms: number;
  /** The server process's CPU time (user + system) per request over the measured run, µs. */
  serverCpuMicrosPerRequest: number;
}

/** A server process of `server.ts`. */
export interface RunningServer {
  port: number;
  /** The server process's CPU time so far (user + system), µs. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

/**
 * Fork `server.ts` for `kind` and wait for its port.
 *
 * @example
 * ```ts
 * const server = await startServer('express-authkit', issuer.logtoUrl, issuer.audience)
 * ```
 */
export async function startServer(kind: ServerKind | WSKind, logtoUrl: string, audience: string, checkout?: string): Promise<RunningServer> {
  const [pin, ...pinArgs] = pinCores().serverPrefix;
  // Pinned, taskset execs node in place: the IPC channel is inherited as with a plain fork.
  // `checkout`: another working tree's server and kit (tsx reads the tsconfig of the working directory), to compare two versions in one run.
  const child = fork(checkout ? `${checkout}/bench/http/server.ts` : SERVER, [kind, logtoUrl, audience], {
    ...(checkout ? { cwd: checkout } : {}),
    env: { ...process.env, ...kitSource(checkout).env },
    ...(pin ? { execPath: pin } : {}),
    execArgv: [...pinArgs, ...(pin ? [process.execPath] : []), ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`server ${kind} exited with ${code}`)));
  });
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once('message', (message) => resolve((message as { cpu: number }).cpu));
      child.send('cpu');
    });
  return { port, cpuMicros, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGINT'))) };
}

const isYoga = (kind: ServerKind): boolean => kind.startsWith('yoga');

function requestOf(kind: ServerKind, port: number, token: string | undefined): [string, RequestInit] {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  if (!isYoga(kind)) return [`http://127.0.0.1:${port}/me`, { headers }];
  return [`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me }' }) }];
}

/**
 * The gate before any timing: the bench token must be answered 200 with its
 * own `sub` (proof that it was verified and read), and, by every server that
 * checks tokens, a forged token (known kid, bad signature) and no token at
 * all must be answered 401. Throws otherwise: a figure of a server that lets
 * a forged token through would be meaningless.
 *
 * @example
 * ```ts
 * await checkServer('express-authkit', server.port, tokens[0], 'user-0', forged)
 * ```
 */
export async function checkServer(kind: ServerKind, port: number, token: string, sub: string, forged: string): Promise<void> {
  const expectedUser = checksTokens(kind) ? sub : 'anonymous';
  const ok = await fetch(...requestOf(kind, port, token));
  const body = await ok.text();
  if (ok.status !== 200 || !body.includes(`"${expectedUser}"`)) throw new Error(`${kind}: the bench token got ${ok.status} ${body.slice(0, 200)}, expected 200 naming ${expectedUser}`);
  if (!checksTokens(kind)) return;
  for (const [what, bad] of [['a forged token', forged], ['no token', undefined]] as const) {
    const refused = await fetch(...requestOf(kind, port, bad));
    const text = await refused.text();
    if (refused.status !== 401 || text.includes(`"${sub}"`) || text.includes('"admin"')) throw new Error(`${kind}: ${what} got ${refused.status} ${text.slice(0, 200)}, expected 401`);
  }
}

function run(kind: ServerKind, port: number, tokens: readonly string[], connections: number, seconds: number) {
  const [url, init] = requestOf(kind, port, undefined);
  let next = 0;
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: isYoga(kind) ? 'POST' : 'GET',
        headers: (init.headers ?? {}) as Record<string, string>,
        ...(typeof init.body === 'string' ? { body: init.body } : {}),
        // Each request carries one of the same 100 tokens in turn, as browsers resend theirs.
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]!}` } }),
      },
    ],
  });
}

/**
 * Warm `kind` up, then load it and report its rate.
 *
 * @example
 * ```ts
 * const r = await loadServer('express-authkit', server, tokens, { connections: 50 })
 * ```
 */
export async function loadServer(kind: ServerKind, server: RunningServer, tokens: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const connections = options.connections ?? 50;
  const warmup = options.warmupSeconds ?? 0.5;
  if (warmup > 0) await run(kind, server.port, tokens, connections, warmup);
  const cpuBefore = await server.cpuMicros();
  const result = await run(kind, server.port, tokens, connections, options.seconds ?? 3);
  const cpu = (await server.cpuMicros()) - cpuBefore;
  return {
    serverCpuMicrosPerRequest: cpu / Math.max(1, result.requests.total),
    // Total over the measured time: `requests.average` is a mean of 1-second buckets and drops a partial one.
    requestsPerSec: result.requests.total / (result.duration || options.seconds || 3),
    failures: result.non2xx + result.errors + result.timeouts,
    latencyP99Ms: result.latency.p99,
  };
}

/**
 * Start every server of `kinds`, `parallel` at a time (each process loads its
 * framework and transpiles `server.ts`: seconds of CPU that need not be serial).
 *
 * @example
 * ```ts
 * const servers = await startServers(SERVER_KINDS, issuer.logtoUrl, issuer.audience)
 * ```
 */
export async function startServers<K extends ServerKind | WSKind>(kinds: readonly K[], logtoUrl: string, audience: string, parallel = 3): Promise<Map<K, RunningServer>> {
  const servers = new Map<K, RunningServer>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < kinds.length) {
      const kind = kinds[next++]!;
      servers.set(kind, await startServer(kind, logtoUrl, audience));
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } catch (error) {
    for (const server of servers.values()) await server.stop();
    throw error;
  }
  return servers;
}
