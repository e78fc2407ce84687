/**
 * Rejection paths of bench/attack.ts, sequential like measureRate: the ES384 floor (jose jwtVerify with an
 * imported key), forged tokens with unknown kids, garbage strings and one replayed bad signature, all in one
 * process; and cache hits, of 100 tokens (the hot set) and of 1,000 (digest and lookup). Prints ops/s and process CPU µs per op, each a median of 5 rounds; with `prof`, writes a CPU
 * profile of each kit phase to /tmp/prof/attack-<phase>.cpuprofile.
 * `node --import tsx bench/profile/attack-cpu.mts [prof]`; for line numbers in the profile, first
 * `npx tsup src/index.ts --no-config --format esm --out-dir .prof-dist --external jose` and set PROF_DIST=1.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { importJWK, jwtVerify } from 'jose';
import { createAuthKit as fromSource } from '../../src/core/kit.js';
import { createTestIssuer } from '../../src/testing/index.js';
import { forgeBadSignature, forgeUnknownKid, garbageStrings, mintMany } from '../lib/tokens.js';

// PROF_DIST=1: the kit from a plain esbuild bundle (.prof-dist, see below), whose profile names real lines;
// PROF_DIST=<path to index.js>: another such bundle (a baseline).
const createAuthKit: typeof fromSource = process.env.PROF_DIST ? (await import(process.env.PROF_DIST === '1' ? '../../.prof-dist/index.js' : process.env.PROF_DIST)).createAuthKit : fromSource;
const issuer = await createTestIssuer();
const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, jwksCooldown: 30_000 });
const forged = forgeUnknownKid(issuer, 20_000);
const garbage = garbageStrings(10_000);
const replayed = await forgeBadSignature(issuer);
const tokens = await mintMany(issuer, 100);
// More tokens than the verifier's hot set (128): each hit is a digest and a cache lookup.
const warm = await mintMany(issuer, 1000);
for (const token of [...tokens, ...warm]) await kit.verifyToken(token);
await kit.verifyToken(await issuer.mintToken());
const key = await importJWK(issuer.jwks().keys[0] ?? {}, 'ES384');
const reject = async (p: Promise<unknown>): Promise<void> => {
  try { await p; } catch { return; }
  throw new Error('accepted');
};
const phases: Record<string, (i: number) => Promise<unknown>> = {
  floor: (i) => jwtVerify(tokens[i % 100]!, key),
  forged: (i) => reject(kit.verifyToken(forged[i % forged.length]!)),
  garbage: (i) => reject(kit.verifyToken(garbage[i % garbage.length]!)),
  replayed: () => reject(kit.verifyToken(replayed)),
  hot: (i) => kit.verifyToken(tokens[i % 100]!),
  cached: (i) => kit.verifyToken(warm[i % 1000]!),
};
const run = async (op: (i: number) => Promise<unknown>, ms: number): Promise<{ perSec: number; cpuUs: number }> => {
  const t0 = performance.now(); const c0 = process.cpuUsage(); let i = 0;
  do { for (let j = 0; j < 64; j++) await op(i++); } while (performance.now() - t0 < ms);
  const el = performance.now() - t0; const c = process.cpuUsage(c0);
  return { perSec: (i / el) * 1000, cpuUs: (c.user + c.system) / i };
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const prof = process.argv[2] === 'prof';
const results: Record<string, { perSec: number[]; cpuUs: number[] }> = {};
for (let round = 0; round < 5; round++) {
  // PHASES=floor,cached: only those.
  for (const [name, op] of Object.entries(phases).filter(([phase]) => !process.env.PHASES || process.env.PHASES.split(',').includes(phase))) {
    await run(op, 150);
    const r = await run(op, 600);
    (results[name] ??= { perSec: [], cpuUs: [] }).perSec.push(r.perSec);
    results[name].cpuUs.push(r.cpuUs);
  }
}
const floor = results.floor ? median(results.floor.perSec) : NaN;
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(9)} ${median(r.perSec).toFixed(0).padStart(8)} /s  ${median(r.cpuUs).toFixed(2).padStart(7)} µs CPU/op  ÷ floor ${(median(r.perSec) / floor).toFixed(1)}×`);
}
if (prof) {
  mkdirSync('/tmp/prof', { recursive: true });
  for (const name of process.env.PHASES ? process.env.PHASES.split(',').filter((phase) => phase !== 'floor') : ['forged', 'garbage', 'replayed']) {
    const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
    await run(phases[name]!, 1500);
    const { profile } = await s.post('Profiler.stop'); writeFileSync(`/tmp/prof/attack-${name}.cpuprofile`, JSON.stringify(profile)); s.disconnect();
  }
}
kit.close();
process.exit(0);
