/**
 * The HTTP benchmarks: each framework without auth, with authkit and with its
 * usual peer, every server in its own process for the whole benchmark. Each
 * round loads every server once, framework by framework, alternating the order
 * inside a framework from round to round, so drift on the machine hits ours and
 * the peers alike; each row is the median of its per-round ratios.
 */
import { createTestIssuer } from '../src/testing/index.js';
import { FRAMEWORKS, SERVER_KINDS, type ServerKind } from './http/kinds.js';
import { checkServer, loadServer, startServers, type LoadOptions, type RunningServer } from './http/load.js';
import { kitSource } from './http/kit-source.js';
import { pinCores } from './http/pinning.js';
import { alternate, inRounds, median } from './lib/measure.js';
import { ratioTarget, type RateResult, type TargetResult } from './lib/results.js';
import { forgeBadSignature, mintMany } from './lib/tokens.js';

const LABELS: Record<ServerKind, string> = {
  'express-none': 'Express, no auth',
  'express-authkit': 'Express + authkit (authMiddleware, requireAuth)',
  'express-jwt-bearer': 'Express + express-oauth2-jwt-bearer',
  'express-authkit-one-layer': 'Express + authkit, one layer (authMiddleware(kit, requirement))',
  'fastify-none': 'Fastify, no auth',
  'fastify-authkit': 'Fastify + authkit (logtoAuthPlugin, requireAuth preHandler)',
  'fastify-jose': 'Fastify + jose with a remote JWKS (preHandler)',
  'hono-none': 'Hono on @hono/node-server, no auth',
  'hono-authkit': 'Hono + authkit (logtoAuth, requireAuth)',
  'hono-jose': 'Hono + jose with a remote JWKS (middleware)',
  'yoga-none': 'Yoga, no auth',
  'yoga-authkit': 'Yoga + authkit (useLogtoAuth)',
  'yoga-jwt-plugin': 'Yoga + @graphql-yoga/plugin-jwt',
  'trpc-none': 'tRPC standalone, no auth',
  'trpc-authkit': 'tRPC standalone + authkit (createTRPCContext, protectedProcedure)',
  'trpc-jose': 'tRPC standalone + jose middleware (as the tRPC docs suggest)',
};

const NAMES: Record<keyof typeof FRAMEWORKS, string> = { express: 'Express', fastify: 'Fastify', hono: 'Hono', yoga: 'Yoga', trpc: 'tRPC standalone' };
const PEERS: Record<keyof typeof FRAMEWORKS, string> = {
  express: 'express-oauth2-jwt-bearer',
  fastify: 'jose + remote JWKS',
  hono: 'jose + remote JWKS',
  yoga: '@graphql-yoga/plugin-jwt',
  trpc: "the tRPC docs' jose middleware",
};

// Other authkit forms of a route, each with the framework's overhead target of its own.
const EXTRA_ROWS: Partial<Record<ServerKind, { id: string; label: string }>> = {
  'express-authkit-one-layer': { id: 'express-one-layer-overhead', label: 'Express + authkit in one layer (authMiddleware(kit, {})) ÷ Express without auth (50 connections, cached token)' },
};

/** Settings of {@link benchHTTP}. */
export interface HTTPBenchOptions extends LoadOptions {
  /** @default 5 */
  rounds?: number;
  /** Seconds of load per server before round 1 (JIT, key sets, token caches). @default 2 */
  firstWarmupSeconds?: number;
}

/**
 * Requests/s of every server and the framework targets.
 *
 * @example
 * ```ts
 * const { rates, targets, notes } = await benchHTTP({ seconds: 3, rounds: 5 }, console.log)
 * ```
 */
export async function benchHTTP(options: HTTPBenchOptions, log: (line: string) => void): Promise<{ rates: RateResult[]; targets: TargetResult[]; notes: string[] }> {
  const rounds = options.rounds ?? 5;
  const issuer = await createTestIssuer();
  let servers = new Map<ServerKind, RunningServer>();
  const samples = new Map<ServerKind, number[]>(SERVER_KINDS.map((kind) => [kind, []]));
  const cpu = new Map<ServerKind, number[]>(SERVER_KINDS.map((kind) => [kind, []]));
  const notes: string[] = [`HTTP and WebSocket: ${pinCores().note}; ${kitSource().note}.`];
  try {
    const tokens = await mintMany(issuer, 100);
    const forged = await forgeBadSignature(issuer);
    log(`http: starting ${SERVER_KINDS.length} servers, checking each (bench token 200, forged and missing token 401)`);
    servers = await startServers(SERVER_KINDS, issuer.logtoUrl, issuer.audience);
    for (const kind of SERVER_KINDS) {
      const server = servers.get(kind)!;
      await checkServer(kind, server.port, tokens[0]!, 'user-0', forged);
      await loadServer(kind, server, tokens, { ...options, warmupSeconds: 0, seconds: options.firstWarmupSeconds ?? 2 });
    }
    const frameworks = Object.keys(FRAMEWORKS) as (keyof typeof FRAMEWORKS)[];
    await inRounds(rounds, async (round) => {
      for (const framework of frameworks) {
        for (const kind of alternate(round, FRAMEWORKS[framework])) {
          const result = await loadServer(kind, servers.get(kind)!, tokens, options);
          log(`http round ${round + 1}/${rounds}: ${kind} ${result.requestsPerSec.toFixed(0)} req/s, server CPU ${result.serverCpuMicrosPerRequest.toFixed(1)} µs/request, p99 ${result.latencyP99Ms} ms, failures ${result.failures}`);
          cpu.get(kind)!.push(result.serverCpuMicrosPerRequest);
          if (result.failures > 0) notes.push(`${kind}: ${result.failures} failed responses in round ${round + 1} (the run is not valid for it)`);
          samples.get(kind)!.push(result.requestsPerSec);
        }
      }
    });
    // Counted after the load: the peers' key sets may refetch, ours must not.
    notes.push(`HTTP: ${issuer.jwksRequests} JWKS requests to the test issuer over all ${SERVER_KINDS.length} servers and ${rounds} rounds.`);
  } finally {
    for (const server of servers.values()) await server.stop();
    await issuer.close();
  }
  const s = (kind: ServerKind): number[] => samples.get(kind) ?? [];
  const targets: TargetResult[] = [];
  const cpuOf = (kind: ServerKind): number => median(cpu.get(kind) ?? []);
  for (const [framework, [none, ours, peer, ...extras]] of Object.entries(FRAMEWORKS) as [keyof typeof FRAMEWORKS, readonly ServerKind[]][]) {
    const name = NAMES[framework];
    targets.push(ratioTarget(`${framework}-overhead`, `${name} + authkit ÷ ${name} without auth (50 connections, cached token)`, s(ours!), s(none!), 0.95, ' req/s'));
    targets.push(ratioTarget(`${framework}-vs-peer`, `${name} + authkit ÷ ${PEERS[framework]}`, s(ours!), s(peer!), 1, ' req/s'));
    for (const extra of extras) {
      const row = EXTRA_ROWS[extra];
      if (row) targets.push(ratioTarget(row.id, row.label, s(extra), s(none!), 0.95, ' req/s'));
    }
    // CPU time per request in the server process: what the kit costs, whatever share of the cores the server got.
    const withKit = [ours!, ...extras].map((kind) => `${kind} ${cpuOf(kind).toFixed(1)} µs (+${(cpuOf(kind) - cpuOf(none!)).toFixed(1)} µs)`);
    notes.push(`${name}: server CPU per request (median of rounds): ${none} ${cpuOf(none!).toFixed(1)} µs; ${withKit.join('; ')}; ${peer} ${cpuOf(peer!).toFixed(1)} µs.`);
  }
  return {
    rates: SERVER_KINDS.map((kind) => ({ id: `http-${kind}`, label: `${LABELS[kind]} (req/s)`, perSec: median(s(kind)) })),
    targets,
    notes,
  };
}
