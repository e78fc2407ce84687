/**
 * Cold start: `import` of the published build (`dist/index.js`) plus
 * `createAuthKit(...)`, against `import('jose')` alone (which the kit needs
 * anyway), each in a fresh Node process, alternating, many runs. The row is
 * the median of the per-pair differences.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { alternate, median } from './lib/measure.js';
import { target, type RateResult, type TargetResult } from './lib/results.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./cold-start-child.mjs', import.meta.url));
const DIST = join(root, 'dist', 'index.js');

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Build `dist/` with `npm run build` when it is missing or older than `src/`: the row measures what would be published. */
async function ensureBuilt(log: (line: string) => void): Promise<void> {
  if (existsSync(DIST) && statSync(DIST).mtimeMs >= newestIn(join(root, 'src'))) return;
  log('cold start: dist/ is missing or older than src/, running npm run build');
  await run('npm', ['run', 'build'], { cwd: root, maxBuffer: 16 << 20 });
}

async function once(mode: 'jose' | 'kit'): Promise<number> {
  const args = mode === 'jose' ? [CHILD, 'jose'] : [CHILD, 'kit', pathToFileURL(DIST).href];
  const { stdout } = await run(process.execPath, args, { cwd: root });
  return Number(stdout.trim());
}

/**
 * Median extra milliseconds of `import` + `createAuthKit` over `import('jose')`.
 *
 * @example
 * ```ts
 * const { targets } = await benchColdStart(30, console.log)
 * ```
 */
export async function benchColdStart(pairs: number, log: (line: string) => void): Promise<{ rates: RateResult[]; targets: TargetResult[] }> {
  await ensureBuilt(log);
  log(`cold start: ${pairs} pairs of fresh processes (import('jose') alone, import dist + createAuthKit)`);
  // Two untimed runs each: the file system cache holds both module graphs before the first pair.
  for (const mode of ['jose', 'kit', 'jose', 'kit'] as const) await once(mode);
  const jose: number[] = [];
  const kit: number[] = [];
  for (let i = 0; i < pairs; i++) {
    for (const mode of alternate(i, ['jose', 'kit'] as const)) (mode === 'jose' ? jose : kit).push(await once(mode));
  }
  const differences = kit.map((ms, i) => ms - jose[i]!);
  const extra = median(differences);
  return {
    rates: [],
    targets: [
      target(
        'cold-start',
        "import + createAuthKit cold start, over import('jose') alone",
        'ms',
        extra,
        '<=',
        10,
        `median of ${pairs} pairs of fresh processes: ${median(kit).toFixed(1)} ms vs ${median(jose).toFixed(1)} ms`,
        differences,
      ),
    ],
  };
}
