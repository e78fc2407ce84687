/**
 * Renders `bench/RESULTS.md` from the results of one run.
 */
import { formatRate, formatValue, type BenchResults, type TargetResult } from './lib/results.js';

// Why a target can be missed when the cause is the measurement rather than authkit; shown only for a missed row.
// Explanations of authkit's own costs belong here once a profile of the current code backs them.
const WHY: Record<string, string> = {
  'yoga-vs-peer': 'The peers verify every request (jose and @graphql-yoga/plugin-jwt keep no verified-token cache), so this ratio mostly says how much a cache hit saves.',
  'ws-reverify-vs-none': 'Not a target of the issue: shown to put the re-verification cost beside the cost of authentication at connect.',
};

const sign = { '>=': '≥', '<=': '≤', '==': '=' } as const;
function roundsOf(t: TargetResult): string {
  if (!t.rounds) return '—';
  if (t.rounds.length <= 10) return t.rounds.map((v) => formatValue(t.unit, v)).join(', ');
  // Many runs (cold start): their spread, the full list is in results.json.
  const sorted = [...t.rounds].sort((a, b) => a - b);
  const at = (q: number): string => formatValue(t.unit, sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return `${t.rounds.length} runs: min ${at(0)}, quartiles ${at(0.25)} / ${at(0.75)}, max ${at(1)}`;
}
const row = (t: TargetResult): string =>
  `| ${t.label} | ${formatValue(t.unit, t.value)} | ${sign[t.comparator]} ${formatValue(t.unit, t.threshold)} | ${t.met ? '✅ met' : '❌ missed'} | ${roundsOf(t)} | ${t.detail} |`;

function shortfall(t: TargetResult): string {
  if (!Number.isFinite(t.value)) return 'not measured (see the notes)';
  if (t.comparator === '>=') return `${((1 - t.value / t.threshold) * 100).toFixed(1)} % below the target`;
  if (t.comparator === '<=') return t.unit === 'ms' ? `${(t.value - t.threshold).toFixed(1)} ms over the limit` : `${((t.value / t.threshold - 1) * 100).toFixed(1)} % over the limit`;
  return `${t.value} instead of ${t.threshold}`;
}

/**
 * The Markdown report: targets, a met/missed line per row, raw rates, method.
 *
 * @example
 * ```ts
 * await writeFile('bench/RESULTS.md', renderReport(results))
 * ```
 */
export function renderReport(r: BenchResults): string {
  const missed = r.targets.filter((t) => !t.met);
  const rounds = r.rounds ?? 5;
  const lines = [
    '# Benchmark results',
    '',
    `Latest run: ${r.date.slice(0, 16).replace('T', ' ')} UTC · ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGB} GB) · ${r.machine.os} · Node ${r.node} · ${r.durationSec} s.`,
    `Produced by \`npm run bench\` (\`bench/run.ts\`); raw numbers in \`results.json\`, chart in \`results.svg\`. Every row is the median of ${rounds} rounds.`,
    '',
    '![ratios against their targets](./results.svg)',
    '',
    `## Targets (${r.targets.length - missed.length} of ${r.targets.length} met)`,
    '',
    '| what | median | target | | rounds | how |',
    '|---|---|---|---|---|---|',
    ...r.targets.map(row),
    '',
    '## Met or missed',
    '',
    ...r.targets.map((t) =>
      t.met
        ? `- ✅ **met**: ${t.label}: ${formatValue(t.unit, t.value)} (target ${sign[t.comparator]} ${formatValue(t.unit, t.threshold)}).`
        : `- ❌ **missed**: ${t.label}: ${formatValue(t.unit, t.value)}, ${shortfall(t)} (target ${sign[t.comparator]} ${formatValue(t.unit, t.threshold)}). ${WHY[t.id] ?? ''}`.trimEnd(),
    ),
    '',
    '## Rates',
    '',
    '| what | per second (median) |',
    '|---|---|',
    ...r.rates.map((rate) => `| ${rate.label} | ${formatRate(rate.perSec)} |`),
    '',
    '## Method',
    '',
    `- **Rounds**: every row is measured in ${rounds} rounds; inside a round the things compared run back to back, in an order that alternates from round to round, so drift in outside load hits ours and the baseline alike. A ratio row is the median of the per-round ratios; the rates table shows medians of the rates.`,
    '- **Every token is verified as in production**: kits are created with `{ logtoUrl, audience }` (plus `algorithms` for RS256) and nothing else, so the default token cache is on and nothing is tuned for the benchmark. Before any timing, every HTTP and WebSocket server must answer the bench token with 200 naming its `sub`, and, when it checks tokens, a forged token (known `kid`, another token’s signature) and a missing token with 401 (tRPC WebSocket: `UNAUTHORIZED`); the run stops otherwise. A run with any non-2xx response is flagged in the notes.',
    '- **Floor**: jose `jwtVerify` with a key imported once (issuer, audience, `typ` and algorithm checked). **Peer**: jose `jwtVerify` with `createRemoteJWKSet`. Tokens are Logto-shaped (`at+jwt`, thumbprint `kid`) from `createTestIssuer()`.',
    '- **Unique tokens**: 1,000 ES384 / 4,000 RS256 tokens, each verified once per pass with 8 verifications in flight, by a fresh kit (fresh remote key set for the peer) per pass. The `tokenCache: false` rate is shown for comparison only. **Repeated**: the same 100 tokens in turn, one awaited call after another, 0.5 s after 0.15 s of warm-up.',
    '- **Rejections**: 20,000 forged tokens naming random `kid`s, 10,000 garbage strings, and one forged token with a known `kid` and a wrong signature replayed; each 0.6 s against the ES384 floor (sequential) in the same round. The JWKS fetches during those rounds may not exceed the kit’s default refetch budget (3, refilled 3 per 30 s cooldown) for the time they took; the flood over 5 cooldowns advances an injected clock.',
    '- **Memory**: a child process with `--expose-gc` per round (two at a time); a kit with default options verifies 10,000 unique tokens, minted one at a time and dropped; the row is `heapUsed` after GC with the full kit minus `heapUsed` after GC once that kit is closed and dropped (the cache must report 10,000 entries).',
    "- **Cold start**: fresh `node` processes, alternating: `import('jose')` alone, and `import` of `dist/index.js` (built by `npm run build` first when older than `src/`) plus `createAuthKit({ logtoUrl, audience })`, timed inside the process from before the import; the row is the median of the per-pair differences.",
    '- **tRPC WebSocket**: three servers (`applyWSSHandler`), one `createWSClient` + `wsLink` socket each with `connectionParams: { token }`, 50 calls in flight for 2 s per round: `protectedProcedure` (authkit re-verifies the socket’s token on every call, a cache hit) against the same `createTRPCContext` with the status checked in the resolver (verified once, when the socket’s context was built) and against no auth.',
    '- **HTTP**: each server in its own process for the whole run (`bench/http/server.ts`, the real adapters: `authMiddleware`/`requireAuth`, `logtoAuthPlugin`/`requireAuth` preHandler, `logtoAuth`/`requireAuth`, `useLogtoAuth` with `@auth`, `createTRPCContext`/`protectedProcedure`), autocannon in the runner’s process, 50 connections, 2 s of load per server before round 1, then per round 0.5 s warm-up and 3 s measured. Every request carries one of the same 100 valid tokens.',
    '',
    '## Notes',
    '',
    ...r.notes.map((note) => `- ${note}`),
    '',
  ];
  return lines.join('\n');
}
