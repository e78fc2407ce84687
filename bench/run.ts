/**
 * `npm run bench`: every benchmark, one machine, one run. Writes
 * `bench/results.json`, `bench/RESULTS.md` and `bench/results.svg`.
 * `BENCH_QUICK=1` runs two short rounds of everything (for trying the harness, not for results).
 * `BENCH_ROUNDS=n` sets the rounds. `BENCH_ONLY=http` (or `ws`, or `http,ws`) runs only those and prints their rows instead of
 * writing the results files, which stay a record of complete runs.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchAttacks } from './attack.js';
import { renderChart } from './chart.js';
import { benchColdStart } from './cold-start.js';
import { benchAlgorithm } from './core.js';
import { benchHTTP } from './http.js';
import { median } from './lib/measure.js';
import { target, type BenchResults, type TargetResult } from './lib/results.js';
import { renderReport } from './report.js';
import { benchWebSocket } from './ws.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const t0 = performance.now();
const log = (line: string): void => void process.stderr.write(`[bench +${Math.round((performance.now() - t0) / 1000)} s] ${line}\n`);
const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS) || (quick ? 2 : 5);

interface MemoryRun {
  entries: number;
  keptMB: number;
  growthMB: number;
  averageTokenBytes: number;
}

async function benchMemory(runs: number): Promise<TargetResult> {
  log(`memory: 10,000 cached unique tokens, ${runs} child processes with --expose-gc (two at a time)`);
  const once = async (): Promise<MemoryRun> => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', here('./memory.ts')], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as MemoryRun;
  };
  const results: MemoryRun[] = [];
  for (let i = 0; i < runs; i += 2) results.push(...(await Promise.all(Array.from({ length: Math.min(2, runs - i) }, once))));
  const kept = results.map((r) => r.keptMB);
  const entries = Math.min(...results.map((r) => r.entries));
  const perEntry = (median(kept) * 1024 * 1024) / 10_000;
  return target(
    'memory-10k',
    'Heap kept by a kit after 10,000 unique tokens (default options)',
    'MB',
    entries === 10_000 ? median(kept) : Number.NaN,
    '<=',
    5,
    `median of ${runs} processes: ${perEntry.toFixed(0)} B per entry (token ${results[0]?.averageTokenBytes ?? 0} B); cache entries ${entries}; heap growth while filling ${median(results.map((r) => r.growthMB)).toFixed(1)} MB`,
    kept,
  );
}

const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
if (only) {
  const ws = only.includes('ws') ? await benchWebSocket({ rounds: ROUNDS, seconds: quick ? 1 : 2 }, log) : { rates: [], targets: [], notes: [] };
  const http = only.includes('http')
    ? await benchHTTP({ rounds: ROUNDS, seconds: quick ? 1 : 3, warmupSeconds: quick ? 0.3 : 0.5, firstWarmupSeconds: quick ? 0.5 : 2, connections: 50 }, log)
    : { rates: [], targets: [], notes: [] };
  for (const t of [...http.targets, ...ws.targets]) log(`${t.met ? 'met   ' : 'MISSED'} ${t.id}: ${t.value.toFixed(3)} (rounds ${(t.rounds ?? []).map((r) => r.toFixed(2)).join(', ')}) ${t.detail}`);
  for (const note of [...http.notes, ...ws.notes]) log(note);
  process.exit(0);
}

const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
const es384 = await benchAlgorithm('ES384', { uniqueCount: quick ? 400 : 1000, rounds: ROUNDS, uniqueTarget: 0.97 }, log);
const rs256 = await benchAlgorithm('RS256', { uniqueCount: quick ? 1500 : 4000, rounds: ROUNDS, uniqueTarget: 0.9 }, log);
const attacks = await benchAttacks(log, ROUNDS);
const memory = await benchMemory(ROUNDS);
const cold = await benchColdStart(quick ? 8 : 60, log);
const ws = await benchWebSocket({ rounds: ROUNDS, seconds: quick ? 1 : 2 }, log);
const http = await benchHTTP({ rounds: ROUNDS, seconds: quick ? 1 : 3, warmupSeconds: quick ? 0.3 : 0.5, firstWarmupSeconds: quick ? 0.5 : 2, connections: 50 }, log);
const loadAfter = loadavg()[0] ?? 0;

const cpu = cpus();
const results: BenchResults = {
  date: new Date().toISOString(),
  machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGB: Math.round(totalmem() / 1024 ** 3), os: `${platform()} ${release()}` },
  node: process.version,
  durationSec: Math.round((performance.now() - started) / 1000),
  rounds: ROUNDS,
  rates: [...es384.rates, ...rs256.rates, ...attacks.rates, ...ws.rates, ...http.rates],
  targets: [...http.targets, ...es384.targets, ...rs256.targets, ...attacks.targets, memory, ...cold.targets, ...ws.targets],
  notes: [
    `1-minute load average ${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after the run on ${cpu.length} cores${loadBefore > 1 || loadAfter > 1 ? ': other work shared the machine, so absolute rates are noisy; the ratios compare rates measured back to back in the same round' : ''}.`,
    ...(quick ? ['BENCH_QUICK=1: two short rounds, not for publication.'] : []),
    ...http.notes,
    ...ws.notes,
  ],
};

await writeFile(here('./results.json'), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(here('./RESULTS.md'), renderReport(results));
await writeFile(here('./results.svg'), renderChart(results));
const missed = results.targets.filter((t) => !t.met);
log(`done in ${results.durationSec} s: ${results.targets.length - missed.length}/${results.targets.length} targets met${missed.length ? ` (missed: ${missed.map((t) => t.id).join(', ')})` : ''}`);
