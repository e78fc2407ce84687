/**
 * Which build of the kit the benchmark's servers load: the built `dist/` that users run, or `src/`
 * through tsx. They differ in more than speed of loading: tsx transpiles with esbuild's `keepNames`,
 * which adds an `Object.defineProperty` call to every closure the kit creates, on every request.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a checkout's servers take the kit from. */
export interface KitSource {
  /** Extra environment of the server processes. */
  env: Record<string, string>;
  /** For the results' notes. */
  note: string;
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const decided = new Map<string, KitSource>();

/**
 * The kit of `checkout`: its `dist/` when built after the last change to its `src/`, else its `src/`
 * (said so in the note). `BENCH_KIT=src` asks for `src/` anyway. Decided once per checkout.
 *
 * @default the `dist/` of this checkout, when it is up to date
 * @example
 * ```ts
 * const { env, note } = kitSource()
 * ```
 */
export function kitSource(checkout: string = ROOT): KitSource {
  const known = decided.get(checkout);
  if (known) return known;
  const built = `${checkout}/dist/index.js`;
  let source: KitSource;
  if (process.env.BENCH_KIT === 'src') source = { env: {}, note: 'the kit ran from src/ through tsx (BENCH_KIT=src; esbuild keepNames wraps each closure it creates)' };
  else if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(`${checkout}/src`)) {
    source = { env: {}, note: 'the kit ran from src/ through tsx, since dist/ is missing or older than src/ (run `npm run build` first to measure what users run)' };
  } else {
    // Without the root tsconfig's `paths`, `logto-authkit` resolves to the package's own exports: dist/.
    source = { env: { TSX_TSCONFIG_PATH: `${checkout}/bench/http/tsconfig.dist.json` }, note: 'the kit ran from the built dist/, as users run it' };
  }
  decided.set(checkout, source);
  return source;
}
