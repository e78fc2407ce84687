/**
 * The HTTP benchmarks: each framework without auth, with authkit and with its
 * usual peer, interleaved over rounds so that a burst of outside load on the
 * machine hits every server alike; the best round of each server counts.
 */
import { createTestIssuer } from '../src/testing/index.js';
import { SERVER_KINDS, type ServerKind } from './http/kinds.js';
import { loadServer, type LoadOptions } from './http/load.js';
import { target, type RateResult, type TargetResult } from './lib/results.js';
import { mintMany } from './lib/tokens.js';

const LABELS: Record<ServerKind, string> = {
  'express-none': 'Express, no auth',
  'express-authkit': 'Express + authkit (authMiddleware, requireAuth)',
  'express-jwt-bearer': 'Express + express-oauth2-jwt-bearer',
  'yoga-none': 'Yoga, no auth',
  'yoga-authkit': 'Yoga + authkit (useLogtoAuth)',
  'yoga-jwt-plugin': 'Yoga + @graphql-yoga/plugin-jwt',
  'trpc-none': 'tRPC standalone, no auth',
  'trpc-authkit': 'tRPC standalone + authkit (createTRPCContext, protectedProcedure)',
  'trpc-jose': 'tRPC standalone + jose middleware (as the tRPC docs suggest)',
};

/**
 * Requests/s of every server and the framework targets.
 *
 * @example
 * ```ts
 * const { rates, targets, notes } = await benchHTTP({ seconds: 5 }, 2, console.log)
 * ```
 */
export async function benchHTTP(options: LoadOptions, rounds: number, log: (line: string) => void): Promise<{ rates: RateResult[]; targets: TargetResult[]; notes: string[] }> {
  const issuer = await createTestIssuer();
  const best = new Map<ServerKind, number>();
  const notes: string[] = [];
  try {
    const tokens = await mintMany(issuer, 100);
    for (let round = 1; round <= rounds; round++) {
      for (const kind of SERVER_KINDS) {
        const result = await loadServer(kind, issuer.logtoUrl, issuer.audience, tokens, options);
        log(`http round ${round}: ${kind} ${result.requestsPerSec.toFixed(0)} req/s, p99 ${result.latencyP99Ms} ms, failures ${result.failures}`);
        if (result.failures > 0) notes.push(`${kind}: ${result.failures} failed responses in round ${round} (the run is not valid for it)`);
        best.set(kind, Math.max(best.get(kind) ?? 0, result.requestsPerSec));
      }
    }
  } finally {
    await issuer.close();
  }
  const rps = (kind: ServerKind): number => best.get(kind) ?? Number.NaN;
  const ratio = (id: string, label: string, a: ServerKind, b: ServerKind, threshold: number): TargetResult =>
    target(id, label, 'ratio', rps(a) / rps(b), '>=', threshold, `${rps(a).toFixed(0)} vs ${rps(b).toFixed(0)} req/s`);
  return {
    rates: SERVER_KINDS.map((kind) => ({ id: `http-${kind}`, label: `${LABELS[kind]} (req/s)`, perSec: rps(kind) })),
    targets: [
      ratio('express-overhead', 'Express + authkit vs Express without auth', 'express-authkit', 'express-none', 0.9),
      ratio('express-vs-peer', 'Express + authkit vs express-oauth2-jwt-bearer', 'express-authkit', 'express-jwt-bearer', 1),
      ratio('yoga-overhead', 'Yoga + authkit vs Yoga without auth', 'yoga-authkit', 'yoga-none', 0.9),
      ratio('yoga-vs-peer', 'Yoga + authkit vs @graphql-yoga/plugin-jwt', 'yoga-authkit', 'yoga-jwt-plugin', 1),
      ratio('trpc-overhead', 'tRPC + authkit vs tRPC without auth', 'trpc-authkit', 'trpc-none', 0.9),
      ratio('trpc-vs-peer', 'tRPC + authkit vs a jose middleware', 'trpc-authkit', 'trpc-jose', 1),
    ],
    notes,
  };
}
