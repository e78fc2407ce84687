/**
 * `npm run bench`: every benchmark, one machine, one run. Writes
 * `bench/results.json`, `bench/RESULTS.md` and `bench/results.svg`.
 * `BENCH_QUICK=1` shortens the HTTP runs (for trying the harness, not for results).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchAttacks } from './attack.js';
import { renderChart } from './chart.js';
import { benchAlgorithm } from './core.js';
import { benchHTTP } from './http.js';
import { target, type BenchResults, type TargetResult } from './lib/results.js';
import { renderReport } from './report.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const quick = process.env.BENCH_QUICK === '1';

async function benchMemory(): Promise<TargetResult> {
  log('memory: 10,000 cached tokens (child process, --expose-gc)');
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', here('./memory.ts')], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { entries: number; heapDeltaMB: number; averageTokenBytes: number; oldestMicros: number };
  const perEntry = (result.heapDeltaMB * 1024 * 1024) / result.entries;
  return target('memory-10k', 'Token cache at 10,000 entries: heap', 'MB', result.heapDeltaMB, '<=', 20, `${perEntry.toFixed(0)} B per entry (token ${result.averageTokenBytes} B); oldest entry still a hit (${result.oldestMicros.toFixed(0)} µs)`);
}

const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
const es384 = await benchAlgorithm('ES384', 800, log);
const rs256 = await benchAlgorithm('RS256', 3000, log);
const attacks = await benchAttacks(log);
const memory = await benchMemory();
const http = await benchHTTP({ seconds: quick ? 2 : 5, warmupSeconds: 1, connections: 10 }, quick ? 1 : 2, log);
const loadAfter = loadavg()[0] ?? 0;

const cpu = cpus();
const results: BenchResults = {
  date: new Date().toISOString(),
  machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGB: Math.round(totalmem() / 1024 ** 3), os: `${platform()} ${release()}` },
  node: process.version,
  durationSec: Math.round((performance.now() - started) / 1000),
  rates: [...es384.rates, ...rs256.rates, ...attacks.rates, ...http.rates],
  targets: [...es384.targets, ...rs256.targets, ...attacks.targets, memory, ...http.targets],
  notes: [
    `1-minute load average ${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after the run on ${cpu.length} cores${loadBefore > 1 || loadAfter > 1 ? ': other work shared the machine, so absolute rates are noisy; ratios compare runs made minutes apart' : ''}.`,
    ...(quick ? ['BENCH_QUICK=1: shortened HTTP runs, not for publication.'] : []),
    ...http.notes,
  ],
};

await writeFile(here('./results.json'), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(here('./RESULTS.md'), renderReport(results));
await writeFile(here('./results.svg'), renderChart(results));
const missed = results.targets.filter((t) => !t.met);
log(`done in ${results.durationSec} s: ${results.targets.length - missed.length}/${results.targets.length} targets met${missed.length ? ` (missed: ${missed.map((t) => t.id).join(', ')})` : ''}`);
