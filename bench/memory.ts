/**
 * Heap kept by a kit holding 10,000 cached unique tokens. Run as its own
 * process with `--expose-gc`: `node --expose-gc --import tsx bench/memory.ts`.
 * The kit has the default options (the default token cache holds 10,000
 * entries). Prints one JSON line: `{ "entries": 10000, "keptMB": … }`.
 *
 * `keptMB` is the heap the kit retains: `heapUsed` after GC with the full kit,
 * minus `heapUsed` after GC once the same kit is closed and dropped. That
 * leaves out whatever minting the tokens left behind in the test issuer.
 */
import { createAuthKit } from '../src/core/kit.js';
import { createTestIssuer } from '../src/testing/index.js';

const ENTRIES = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function settledHeap(collect: () => void): number {
  for (let i = 0; i < 4; i++) collect();
  return process.memoryUsage().heapUsed;
}

const issuer = await createTestIssuer();
let kit: ReturnType<typeof createAuthKit> | undefined = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
// Key set fetched and imported, code paths compiled: the baseline holds everything but the entries.
await kit.verifyToken(await issuer.mintToken({ sub: 'warm-up', scope: 'read:posts write:posts' }));
let tokenBytes = 0;
const before = settledHeap(gc);
const BATCH = 16;
for (let i = 0; i < ENTRIES; i += BATCH) {
  // Minted and dropped a batch at a time (signed in parallel on the thread pool), so only the cache keeps a token alive.
  const batch = await Promise.all(Array.from({ length: BATCH }, (_, j) => issuer.mintToken({ sub: `user-${i + j}`, scope: 'read:posts write:posts' })));
  for (const token of batch) tokenBytes += token.length;
  await Promise.all(batch.map((token) => kit?.verifyToken(token)));
}
const entries = kit.stats().tokenCache?.entries ?? 0;
const full = settledHeap(gc);
kit.close();
kit = undefined;
const released = settledHeap(gc);
const MB = 1024 * 1024;
process.stdout.write(
  `${JSON.stringify({ entries, keptMB: (full - released) / MB, growthMB: (full - before) / MB, averageTokenBytes: Math.round(tokenBytes / ENTRIES) })}\n`,
);
await issuer.close();
