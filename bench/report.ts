/**
 * Renders `bench/RESULTS.md` from the results of one run.
 */
import { formatRate, formatValue, type BenchResults, type TargetResult } from './lib/results.js';

// Why a target can be missed, from what the code does; shown only for a target that was.
const WHY: Record<string, string> = {
  'memory-10k':
    'Each entry holds the token string (~0.55 KB for a Logto-shaped ES384 token), the parsed payload (~0.3 KB), and a frozen authenticated context: ~0.15 KB of object, a `Date` for `expiresAt` (~0.12 KB), a frozen copy of the scopes (~0.15 KB) and two closures, `hasScopes` and `hasOrganization`, with their context (~0.25 KB); the LRU entry, the `kid` string and the `Map` slot add ~0.15 KB. Closing the gap means sharing the methods (a prototype instead of per-entry closures) and computing `expiresAt` lazily; both change the context object’s shape, so they are left to the core’s owner. (This run already includes two core fixes: the payload is frozen in place instead of copied, −0.4 KB per entry, and a cookie-borne token no longer keeps its whole `Cookie` header alive.)',
  'unique-es384': 'On top of the floor’s one signature check, authkit runs its pre-check (two base64url+JSON decodes and a duplicate-key scan), the claim checks, builds the context and inserts it in the cache: ~15 µs per new token, 1–2 % of an ES384 verification.',
  'unique-rs256': 'The same ~15–18 µs of fixed work per new token (pre-check, claim checks, context, cache insertion) weighs ~25 % against an RS256 verification (~65 µs here) but 1–2 % against ES384, Logto’s default key. Halving it needs the pre-check’s payload decode reused by the verification (jose decodes the token again).',
  'unique-vs-jose-es384': 'See the unique-token row: the same fixed per-token work, against a peer that checks less (no pre-check, no duplicate-member scan).',
  'unique-vs-jose-rs256': 'See the unique-token row: the same fixed per-token work, against a peer that checks less (no pre-check, no duplicate-member scan).',
  'repeated-rs256': 'RS256 verification is ~20× cheaper than ES384, so the same cache-hit cost is a smaller multiple of it.',
  'forged-unknown-kid':
    'A rejection costs ~15 µs, most of it building the `AuthError`: V8 captures a stack trace (2–4 µs) and the constructor builds the `WWW-Authenticate` value eagerly; the forged token is also decoded twice (header, payload). In isolation, `verifyToken` on garbage drops from 13 µs to 5.6 µs with stack capture off. Proposed core change: no stack capture for client-caused codes (`Error.stackTraceLimit = 0` around `super()`), `wwwAuthenticate` computed on first read.',
  garbage: 'As for forged tokens: the regex rejects garbage in well under a microsecond, the `AuthError` (stack trace, eager `WWW-Authenticate`) and the rejected promise cost the rest.',
  'express-overhead':
    'Consistent over both rounds, so not noise. `createAuthContext` on a Node request costs ~7.6 µs against 0.24 µs for the cache hit itself: `toRequestView` (~3.4 µs: a dozen closures per request) and `extractTokens` (~2.2 µs: every header lookup lower-cases every key, `Authorization` is counted twice over `rawHeaders`) dominate. Express 5 adds its own cost for the two extra layers (`authMiddleware`, `requireAuth`), each a promise-aware handler.',
  'yoga-overhead': 'Consistent over both rounds. The same ~7 µs of request reading as under Express (a Fetch `Request` here), plus the plugin’s `onContextBuilding`/`onExecute` hooks.',
  'trpc-overhead': 'Consistent over both rounds. The same ~7 µs of request reading, plus `createTRPCContext` and the `protectedProcedure` middleware.',
};

const sign = { '>=': '≥', '<=': '≤', '==': '=' } as const;
const row = (t: TargetResult): string =>
  `| ${t.label} | ${formatValue(t.unit, t.value)} | ${sign[t.comparator]} ${formatValue(t.unit, t.threshold)} | ${t.met ? '✅ met' : '❌ missed'} | ${t.detail} |`;

function shortfall(t: TargetResult): string {
  if (t.comparator === '>=') return `${((1 - t.value / t.threshold) * 100).toFixed(1)} % below the target`;
  if (t.comparator === '<=') return `${((t.value / t.threshold - 1) * 100).toFixed(1)} % over the limit`;
  return `${t.value} instead of ${t.threshold}`;
}

/**
 * The Markdown report: targets, raw rates, misses explained, method.
 *
 * @example
 * ```ts
 * await writeFile('bench/RESULTS.md', renderReport(results))
 * ```
 */
export function renderReport(r: BenchResults): string {
  const missed = r.targets.filter((t) => !t.met);
  const lines = [
    '# Benchmark results',
    '',
    `Latest run: ${r.date.slice(0, 16).replace('T', ' ')} UTC · ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGB} GB) · ${r.machine.os} · Node ${r.node} · ${r.durationSec} s.`,
    `Produced by \`npm run bench\` (\`bench/run.ts\`); raw numbers in \`results.json\`, chart in \`results.svg\`.`,
    '',
    '![ratios against their targets](./results.svg)',
    '',
    `## Targets (${r.targets.length - missed.length} of ${r.targets.length} met)`,
    '',
    '| what | measured | target | | how |',
    '|---|---|---|---|---|',
    ...r.targets.map(row),
    '',
  ];
  if (missed.length > 0) {
    lines.push('## Misses', '');
    for (const t of missed) lines.push(`- **${t.label}**: ${formatValue(t.unit, t.value)}, ${shortfall(t)}. ${WHY[t.id] ?? ''}`.trimEnd());
    lines.push('');
  }
  lines.push(
    '## Rates',
    '',
    '| what | per second |',
    '|---|---|',
    ...r.rates.map((rate) => `| ${rate.label} | ${formatRate(rate.perSec)} |`),
    '',
    '## Method',
    '',
    '- **Floor**: jose `jwtVerify` with a key imported once (issuer, audience and `typ` checked). **Peer**: jose `jwtVerify` with `createRemoteJWKSet`. Tokens are Logto-shaped (`at+jwt`, thumbprint `kid`) from `createTestIssuer()`.',
    '- **Repeated**: the same 100 tokens in turn, as browsers resend theirs, one awaited call after another for 1.5 s after 0.3 s of warm-up. **Unique**: 800 ES384 / 3,000 RS256 tokens, each verified once by a fresh verifier, best of 3 passes.',
    '- **Forged**: 20,000 tokens that pass every cheap check but name random `kid`s; **garbage**: random strings. Both are compared with the ES384 floor (Logto’s default key) measured again just before, the cost a forged token would have without a pre-check. The flood over 5 cooldowns advances an injected clock.',
    '- **Memory**: a child process with `--expose-gc`; `heapUsed` after three `gc()` calls, before and after 10,000 distinct tokens enter the cache.',
    '- **HTTP**: each server in its own process (`bench/http/server.ts`, the real adapters: `authMiddleware`/`requireAuth`, `useLogtoAuth`, `createTRPCContext`/`protectedProcedure`), autocannon in the runner’s process, 10 connections, 1 s warm-up then 5 s measured, two interleaved rounds, best round per server. Every request carries one of the same 100 valid tokens.',
    '',
    '## Notes',
    '',
    ...r.notes.map((note) => `- ${note}`),
    '',
  );
  return lines.join('\n');
}
