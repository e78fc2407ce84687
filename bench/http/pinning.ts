/**
 * Core pinning for the load benchmarks on a small machine: the servers on one
 * core, the load generator (this process, autocannon and the tRPC client) on
 * another, so the two never take turns on the same core within a round. Falls
 * back to no pinning, said so in the results, without `taskset` or with one core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** How the benchmark processes are placed on cores. */
export interface Pinning {
  /** Prefix that starts a server pinned (`['/usr/bin/taskset', '-c', '0']`), or none. */
  serverPrefix: readonly string[];
  /** For the results' notes. */
  note: string;
}

const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));
let decided: Pinning | undefined;

/**
 * Pin this process (every thread) to the last core and return how servers are to be started.
 * `BENCH_PIN=0` turns pinning off (to compare spreads). Decided once per process.
 *
 * @default servers on cores 0 to `cores - 2`, the load generator on core `cores - 1` when `taskset` exists and there are 2+ cores
 * @example
 * ```ts
 * const { serverPrefix, note } = pinCores()
 * ```
 */
export function pinCores(): Pinning {
  if (decided) return decided;
  const cores = availableParallelism();
  if (process.env.BENCH_PIN === '0') decided = { serverPrefix: [], note: 'not pinned (BENCH_PIN=0): servers and load generator share every core' };
  else if (!TASKSET) decided = { serverPrefix: [], note: 'not pinned (no taskset on this machine): servers and load generator share every core' };
  else if (cores < 2) decided = { serverPrefix: [], note: 'not pinned (one core): servers and load generator share it' };
  else {
    const loadCore = String(cores - 1);
    const serverCores = cores === 2 ? '0' : `0-${cores - 2}`;
    execFileSync(TASKSET, ['-a', '-p', '-c', loadCore, String(process.pid)], { stdio: 'ignore' });
    decided = { serverPrefix: [TASKSET, '-c', serverCores], note: `pinned with taskset: every server process on core ${serverCores}, the load generator (autocannon, the tRPC client) on core ${loadCore}` };
  }
  return decided;
}
