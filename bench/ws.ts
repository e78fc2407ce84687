/**
 * tRPC over WebSocket: calls per second on one socket (real `applyWSSHandler`
 * in a server process, real `@trpc/client` `createWSClient` + `wsLink` here),
 * with authkit's per-call re-verification (`createTRPCContext` +
 * `protectedProcedure`: every call on a socket verifies its token again, a
 * cache hit, so a logout reaches an open socket) against the same context
 * checked only when the socket opened, and against no auth at all.
 */
import { createTRPCClient, createWSClient, wsLink, type TRPCClient } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import WebSocket from 'ws';
import { createTestIssuer } from '../src/testing/index.js';
import { checksTokens, WS_KINDS, type WSKind } from './http/kinds.js';
import { startServers, type RunningServer } from './http/load.js';
import { alternate, inRounds, median } from './lib/measure.js';
import { ratioTarget, type RateResult, type TargetResult } from './lib/results.js';
import { forgeBadSignature } from './lib/tokens.js';

/** Settings of {@link benchWebSocket}. */
export interface WSBenchOptions {
  /** @default 5 */
  rounds?: number;
  /** Seconds measured per server and round. @default 2 */
  seconds?: number;
  /** Calls in flight on the socket. @default 50 */
  inFlight?: number;
}

// The router's shape as the client sees it: one query `me` answering the caller's sub.
type MeClient = { me: { query(): Promise<string> } };

function connect(port: number, token: string) {
  const ws = createWSClient({ url: `ws://127.0.0.1:${port}`, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, connectionParams: { token }, retryDelayMs: () => 1000 });
  const client = createTRPCClient<AnyTRPCRouter>({ links: [wsLink({ client: ws })] }) as unknown as TRPCClient<AnyTRPCRouter> & MeClient;
  return { client, close: () => ws.close() };
}

/** Gate: the bench token's calls answer its sub; by the servers with auth, a socket with a forged token is refused. */
async function check(kind: WSKind, port: number, token: string, forged: string): Promise<void> {
  const good = connect(port, token);
  try {
    const me = await good.client.me.query();
    const expected = checksTokens(kind) ? 'ws-user' : 'anonymous';
    if (me !== expected) throw new Error(`${kind}: the bench token's call answered ${String(me)}, expected ${expected}`);
  } finally {
    await good.close();
  }
  if (!checksTokens(kind)) return;
  const bad = connect(port, forged);
  try {
    const outcome = await bad.client.me.query().then(
      (value) => `answered ${String(value)}`,
      (error: unknown) => ((error as { data?: { code?: string } }).data?.code === 'UNAUTHORIZED' ? 'refused' : `failed with ${String(error)}`),
    );
    if (outcome !== 'refused') throw new Error(`${kind}: a socket with a forged token ${outcome}, expected UNAUTHORIZED`);
  } finally {
    await bad.close();
  }
}

async function callsPerSecond(client: MeClient, seconds: number, inFlight: number): Promise<{ rate: number; calls: number }> {
  let calls = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      await client.me.query();
      calls++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { rate: (calls / (performance.now() - t0)) * 1000, calls };
}

/**
 * Calls/s of each WebSocket server, and the re-verification target.
 *
 * @example
 * ```ts
 * const { targets } = await benchWebSocket({ rounds: 5 }, console.log)
 * ```
 */
export async function benchWebSocket(options: WSBenchOptions, log: (line: string) => void): Promise<{ rates: RateResult[]; targets: TargetResult[]; notes: string[] }> {
  const rounds = options.rounds ?? 5;
  const seconds = options.seconds ?? 2;
  const inFlight = options.inFlight ?? 50;
  const issuer = await createTestIssuer();
  let servers = new Map<WSKind, RunningServer>();
  const sockets = new Map<WSKind, ReturnType<typeof connect>>();
  const samples = new Map<WSKind, number[]>(WS_KINDS.map((kind) => [kind, []]));
  const cpu = new Map<WSKind, number[]>(WS_KINDS.map((kind) => [kind, []]));
  try {
    const token = await issuer.mintToken({ sub: 'ws-user', scope: 'read:posts write:posts' });
    const forged = await forgeBadSignature(issuer);
    log(`ws: starting ${WS_KINDS.length} tRPC WebSocket servers, checking each`);
    servers = await startServers(WS_KINDS, issuer.logtoUrl, issuer.audience);
    for (const kind of WS_KINDS) {
      const server = servers.get(kind)!;
      await check(kind, server.port, token, forged);
      const socket = connect(server.port, token);
      sockets.set(kind, socket);
      await callsPerSecond(socket.client, 1, inFlight);
    }
    await inRounds(rounds, async (round) => {
      for (const kind of alternate(round, WS_KINDS)) {
        const server = servers.get(kind)!;
        const cpuBefore = await server.cpuMicros();
        const { rate, calls } = await callsPerSecond(sockets.get(kind)!.client, seconds, inFlight);
        const perCall = ((await server.cpuMicros()) - cpuBefore) / Math.max(1, calls);
        log(`ws round ${round + 1}/${rounds}: ${kind} ${rate.toFixed(0)} calls/s, server CPU ${perCall.toFixed(1)} µs/call`);
        samples.get(kind)!.push(rate);
        cpu.get(kind)!.push(perCall);
      }
    });
  } finally {
    for (const socket of sockets.values()) await socket.close();
    for (const server of servers.values()) await server.stop();
    await issuer.close();
  }
  const s = (kind: WSKind): number[] => samples.get(kind) ?? [];
  const c = (kind: WSKind): string => `${median(cpu.get(kind) ?? []).toFixed(1)} µs`;
  return {
    notes: [`tRPC WebSocket: server CPU per call (median of rounds): no auth ${c('trpc-ws-none')}, verified at connect ${c('trpc-ws-connect')}, re-verified per call ${c('trpc-ws-authkit')}.`],
    rates: [
      { id: 'ws-trpc-ws-none', label: 'tRPC over WebSocket (wsLink), no auth (calls/s)', perSec: median(s('trpc-ws-none')) },
      { id: 'ws-trpc-ws-connect', label: 'tRPC over WebSocket + authkit, token checked when the socket opens only (calls/s)', perSec: median(s('trpc-ws-connect')) },
      { id: 'ws-trpc-ws-authkit', label: 'tRPC over WebSocket + authkit protectedProcedure, token re-verified on every call (calls/s)', perSec: median(s('trpc-ws-authkit')) },
    ],
    targets: [
      ratioTarget('ws-reverify', 'tRPC WebSocket calls/s, per-call re-verification ÷ without (verified at connect)', s('trpc-ws-authkit'), s('trpc-ws-connect'), 0.98, ' calls/s'),
      ratioTarget('ws-reverify-vs-none', 'tRPC WebSocket calls/s, per-call re-verification ÷ no auth (extra row)', s('trpc-ws-authkit'), s('trpc-ws-none'), 0.95, ' calls/s'),
    ],
  };
}
