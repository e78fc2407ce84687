/**
 * Heap cost of a full verified-token cache (10,000 entries). Run as its own
 * process with `--expose-gc`: `node --expose-gc --import tsx bench/memory.ts`.
 * Prints one JSON line: `{ "entries": 10000, "heapDeltaMB": … }`.
 */
import { createAuthKit } from '../src/core/kit.js';
import { createTestIssuer } from '../src/testing/index.js';

const ENTRIES = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function settledHeap(collect: () => void): number {
  for (let i = 0; i < 3; i++) collect();
  return process.memoryUsage().heapUsed;
}

const issuer = await createTestIssuer();
const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, tokenCache: { maxEntries: ENTRIES } });
// Key set fetched and imported, code paths compiled: the baseline holds everything but the entries.
await kit.verifyToken(await issuer.mintToken({ sub: 'warm-up', scope: 'read:posts write:posts' }));
let tokenBytes = 0;
let first = '';
const before = settledHeap(gc);
for (let i = 0; i < ENTRIES; i++) {
  // Minted and dropped one at a time, so only the cache keeps a token alive.
  const token = await issuer.mintToken({ sub: `user-${i}`, scope: 'read:posts write:posts' });
  tokenBytes += token.length;
  if (i === 0) first = token;
  await kit.verifyToken(token);
}
const after = settledHeap(gc);
// The oldest entry answering as fast as a hit shows none was evicted (a miss costs ~1 ms of ECDSA).
const t0 = performance.now();
await kit.verifyToken(first);
const oldestMicros = (performance.now() - t0) * 1000;
const heapDeltaMB = (after - before) / 1024 / 1024;
process.stdout.write(`${JSON.stringify({ entries: ENTRIES, heapDeltaMB, averageTokenBytes: Math.round(tokenBytes / ENTRIES), oldestMicros })}\n`);
kit.close();
await issuer.close();
