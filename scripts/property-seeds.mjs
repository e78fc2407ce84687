// Runs the property-based tests under N different fast-check seeds (default 20),
// one vitest run per seed, and stops at the first seed that fails so it can be
// replayed with `FC_SEED=<seed> npx vitest run test/security`.
import { spawnSync } from 'node:child_process';

const count = Number(process.argv[2] ?? 20);
const first = Number(process.env.FC_SEED_START ?? Date.now() % 1_000_000);
const files = ['test/security/fuzz-token.test.ts', 'test/security/fuzz-request.test.ts'];
for (let i = 0; i < count; i++) {
  const seed = first + i;
  process.stdout.write(`seed ${seed} (${i + 1}/${count}) … `);
  const run = spawnSync('npx', ['vitest', 'run', '--reporter=dot', ...files], { env: { ...process.env, FC_SEED: String(seed) }, encoding: 'utf8' });
  if (run.status !== 0) {
    console.log('FAILED');
    console.log(run.stdout, run.stderr);
    process.exit(1);
  }
  console.log('passed');
}
console.log(`${count} seeds passed (${first}…${first + count - 1})`);
