/**
 * Process CPU per unique token at concurrency 8, like bench/core.ts's unique rows: the floor (jose
 * jwtVerify with an imported key) against the kit, alternating in rounds in one process, a fresh kit
 * per round (so no token is a cache hit). With BASE_DIST=<path to another bundle's index.js>, that
 * kit runs in the same rounds too (before/after in one process). Medians of the rounds.
 * `node --import tsx bench/profile/unique-cpu.mts RS256|ES384 [tokens] [rounds]`, after
 * `npx tsup src/index.ts --no-config --format esm --out-dir .prof-dist --external jose`.
 */
import { Session } from 'node:inspector/promises';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { importJWK, jwtVerify } from 'jose';
import { createTestIssuer } from '../../src/testing/index.js';
import { mintManyParallel } from '../lib/tokens.js';

type Kit = { verifyToken(token: string): Promise<unknown>; close(): void };
type Create = (options: Record<string, unknown>) => Kit;
const alg = process.argv[2] ?? 'RS256';
const count = Number(process.argv[3] ?? 4000);
const rounds = Number(process.argv[4] ?? 7);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const kits: Record<string, Create> = { kit: (await import('../../.prof-dist/index.js' as string)).createAuthKit };
// ONLY=kit: the kit alone (for a CPU profile of it); NOCACHE=1: also the kit with tokenCache: false.
if (process.env.NOCACHE) kits.nocache = (options) => kits.kit!({ ...options, tokenCache: false });
if (process.env.BASE_DIST) kits.base = (await import(process.env.BASE_DIST)).createAuthKit;
const issuer = await createTestIssuer({ alg: alg as 'RS256' });
const tokens = await mintManyParallel(issuer, count);
const jwks = (await (await fetch(`${issuer.logtoUrl}/oidc/jwks`)).json()) as { keys: Record<string, unknown>[] };
const key = await importJWK(jwks.keys[0]!, alg);
const floor = (t: string) => jwtVerify(t, key, { issuer: issuer.issuer, audience: issuer.audience, algorithms: [alg] });
// Linux: CPU ticks per thread, to tell the main thread from libuv's pool (the signatures) and V8's helpers (GC).
const threadTicks = (): Map<string, number> => {
  const ticks = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    }
  } catch {
    // Not Linux: no per-thread split.
  }
  return ticks;
};
const split: Record<string, { main: number; others: number }> = {};
let current = '';
const run = async (verify: (t: string) => Promise<unknown>): Promise<number> => {
  let i = 0;
  const t0 = threadTicks();
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (i < tokens.length) await verify(tokens[i++]!);
  }));
  const c = process.cpuUsage(c0);
  const t1 = threadTicks();
  const entry = (split[current] ??= { main: 0, others: 0 });
  for (const [tid, ticks] of t1) entry[tid === String(process.pid) ? 'main' : 'others'] += ticks - (t0.get(tid) ?? 0);
  return (c.user + c.system) / tokens.length;
};
const samples: Record<string, number[]> = { floor: [] };
// PROF=<file>: a CPU profile (100 µs samples) of the rounds.
const session = process.env.PROF ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
for (let round = 0; round < rounds + 1; round++) {
  const order = process.env.ONLY ? [process.env.ONLY] : ['floor', ...Object.keys(kits)];
  if (round % 2 === 1) order.reverse();
  for (const name of order) {
    let us: number;
    current = round > 0 ? name : 'warm-up';
    if (name === 'floor') us = await run(floor);
    else {
      const kit = kits[name]!({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, algorithms: [alg], onWarning: () => {} });
      await kit.verifyToken(await issuer.mintToken());
      us = await run((t) => kit.verifyToken(t));
      kit.close();
    }
    // Round 0 warms the JIT up and is not counted.
    if (round > 0) (samples[name] ??= []).push(us);
  }
}
if (session) writeFileSync(process.env.PROF!, JSON.stringify((await session.post('Profiler.stop')).profile));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floorUs = samples.floor!.length > 0 ? median(samples.floor!) : NaN;
for (const [name, xs] of Object.entries(samples)) if (xs.length > 0) console.log(`${alg} ${name.padEnd(5)} ${median(xs).toFixed(1).padStart(6)} µs CPU per token  floor ÷ this ${(floorUs / median(xs)).toFixed(2)}×  (${xs.map((x) => x.toFixed(0)).join(', ')})`);
// Ticks are 10 ms each (USER_HZ 100), summed over the counted rounds.
for (const [name, { main, others }] of Object.entries(split)) if (name !== 'warm-up') console.log(`${alg} ${name.padEnd(5)} main thread ${((main * 10_000) / (tokens.length * rounds)).toFixed(1)} µs per token, other threads ${((others * 10_000) / (tokens.length * rounds)).toFixed(1)}`);
await issuer.close();
process.exit(0);
