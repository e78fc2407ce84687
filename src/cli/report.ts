import type { Check } from './check.js';
import type { Expectations } from './expectations.js';

/** How the kit judged the token, as its `AuthError` says it. */
export interface Refusal {
  code: string;
  status: number;
  message: string;
  /** Which check of the kit refused (a `RefusalReason`). */
  reason?: string;
  /** The kit's own fix for that reason (what its `onRefused` reports). */
  fix?: string;
}

/** The one document `--json` prints, and what the text report is rendered from. */
export interface InspectReport {
  /** `accepted`/`refused` for a token; `configuration_ok`/`configuration_error` without one; `usage_error`. */
  verdict: 'accepted' | 'refused' | 'configuration_ok' | 'configuration_error' | 'usage_error';
  exitCode: 0 | 1 | 2;
  /** A usage or option error, in words. */
  error?: string;
  expected?: Omit<Expectations, 'nowMs'> & { now: string };
  configuration: Check[];
  /** The token's header and claims (never the token or its signature), and its checks. */
  token?: { header: Record<string, unknown> | undefined; claims: Record<string, unknown> | undefined; checks: Check[] };
  refusal?: Refusal;
}

const LABEL = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' } as const;

function renderChecks(checks: readonly Check[]): string[] {
  const width = Math.max(...checks.map((c) => c.title.length));
  return checks.flatMap((c) => [`  ${LABEL[c.status]}  ${c.title.padEnd(width)}  ${c.detail}`, ...(c.fix ? [`        fix: ${c.fix}`] : [])]);
}

function renderClaim(name: string, value: unknown): string {
  const text = JSON.stringify(value);
  // RFC 7519 §2 NumericDate: seconds since the epoch.
  const date = (name === 'exp' || name === 'iat' || name === 'nbf') && typeof value === 'number' ? ` (${new Date(value * 1000).toISOString()})` : '';
  return `    ${name}: ${text}${date}`;
}

/**
 * Render the report in plain words, one check a line, each failure followed by its fix.
 *
 * @example
 * ```ts
 * process.stdout.write(renderReport(report))
 * ```
 */
export function renderReport(report: InspectReport): string {
  if (report.verdict === 'usage_error') return `logto-authkit inspect: ${report.error ?? 'usage error'}\nRun "logto-authkit inspect --help" for the options.\n`;
  const lines: string[] = [];
  if (report.error) lines.push(`Configuration error: ${report.error}`);
  if (report.configuration.length > 0) lines.push('Configuration', ...renderChecks(report.configuration));
  const { token } = report;
  if (token) {
    lines.push('', 'Token');
    if (token.header) lines.push('  header:', ...['alg', 'typ', 'kid'].map((name) => renderClaim(name, token.header?.[name])));
    if (token.claims) lines.push('  claims:', ...Object.entries(token.claims).map(([name, value]) => renderClaim(name, value)));
    lines.push(...renderChecks(token.checks));
  }
  lines.push('');
  const { refusal } = report;
  if (report.verdict === 'accepted') lines.push('Verdict: ACCEPTED: logto-authkit would accept this token.');
  else if (report.verdict === 'refused' && refusal) lines.push(`Verdict: REFUSED: ${refusal.code}${refusal.reason ? ` (${refusal.reason})` : ''}, HTTP ${refusal.status}: "${refusal.message}"`);
  else if (report.verdict === 'configuration_ok') lines.push('Verdict: the configuration is sound. Pass a token (or "-" for standard input) to check one.');
  else lines.push('Verdict: the configuration has errors (see FAIL above).');
  return `${lines.join('\n')}\n`;
}
