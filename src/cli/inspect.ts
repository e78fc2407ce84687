import { createAuthKit, isAuthError, type AuthKit, type AuthKitWarning, type RefusalReport } from 'logto-authkit';
import { parseInspectArgs, USAGE, UsageError, type InspectArgs } from './args.js';
import { check } from './check.js';
import { checkConfiguration } from './configuration.js';
import { expectationsOf } from './expectations.js';
import { createFetchOnce } from './fetch-once.js';
import { renderReport, type InspectReport, type Refusal } from './report.js';
import { inspectToken } from './token-checks.js';

/** Where the inspector reads and writes; the real process in the bin, something else in a test. */
export interface InspectIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, for the `-` token argument. */
  readStdin(): Promise<string>;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

const FETCH_TIMEOUT_MS = 5_000;

async function readToken(args: InspectArgs, io: InspectIO): Promise<string | undefined> {
  if (args.token === undefined) return undefined;
  const raw = args.token === '-' ? await io.readStdin() : args.token;
  // What a developer copies from a request: the header value, quotes and a newline included.
  const token = raw.trim().replace(/^bearer\s+/i, '').replace(/^"(.*)"$/, '$1');
  if (token === '') throw new UsageError(args.token === '-' ? 'no token on standard input' : 'the token is empty');
  return token;
}

function refusalOf(error: unknown, report: RefusalReport | undefined): Refusal {
  if (!isAuthError(error)) return { code: 'internal_error', status: 500, message: error instanceof Error ? error.message : String(error) };
  return { code: error.code, status: error.status, message: error.message, reason: error.reason, ...(report ? { fix: report.fix } : {}) };
}

// The kit's construction warnings are configuration findings like the inspector's own.
const warningCheck = (warning: AuthKitWarning) => check(`option_${warning.option}`, 'warn', `option ${warning.option}`, warning.message, { reason: warning.code });

async function inspect(args: InspectArgs, io: InspectIO): Promise<InspectReport> {
  const token = await readToken(args, io);
  const nowMs = args.nowMs ?? Date.now();
  const web = createFetchOnce({ timeout: FETCH_TIMEOUT_MS, fetch: io.fetch });
  let kit: AuthKit;
  const warnings: AuthKitWarning[] = [];
  let refused: RefusalReport | undefined;
  try {
    // The verdict is the kit's own, built as an application would build it; only the clock and fetch are the inspector's.
    kit = createAuthKit({
      logtoUrl: args.logtoUrl,
      audience: args.audiences,
      issuer: args.issuers.length > 0 ? args.issuers : undefined,
      jwksUrl: args.jwksUrl,
      requiredScope: args.scopes,
      organizationTokens: args.organizationTokens,
      tokenCache: false,
      now: () => nowMs,
      fetch: web.fetch,
      onWarning: (warning) => warnings.push(warning),
      onRefused: (report) => {
        refused = report;
      },
    });
  } catch (error) {
    return { verdict: 'configuration_error', exitCode: 2, error: error instanceof Error ? error.message : String(error), configuration: [] };
  }
  try {
    const expectations = expectationsOf(kit.options, args.logtoUrl, nowMs);
    const { nowMs: _now, ...rest } = expectations;
    const expected = { ...rest, now: new Date(nowMs).toISOString() };
    const found = await checkConfiguration(expectations, web);
    const configuration = { ...found, checks: [...warnings.map(warningCheck), ...found.checks] };
    if (token === undefined) {
      const failed = configuration.checks.some((c) => c.status === 'fail');
      return { verdict: failed ? 'configuration_error' : 'configuration_ok', exitCode: failed ? 2 : 0, expected, configuration: configuration.checks };
    }
    const reading = await inspectToken(token, expectations, configuration.keys);
    let refusal: Refusal | undefined;
    try {
      await kit.verifyToken(token);
    } catch (error) {
      refusal = refusalOf(error, refused);
    }
    if (refusal && !reading.checks.some((c) => c.status === 'fail')) {
      reading.checks.push(check('verdict', 'fail', 'kit', `the kit refused the token: ${refusal.message}`, { reason: refusal.reason, fix: refusal.fix }));
    }
    // An outage is no verdict on the token: the key set could not be had.
    const exitCode = refusal === undefined ? 0 : refusal.status === 503 ? 2 : 1;
    return { verdict: refusal ? 'refused' : 'accepted', exitCode, expected, configuration: configuration.checks, token: reading, ...(refusal ? { refusal } : {}) };
  } finally {
    kit.close();
  }
}

/**
 * Run `logto-authkit …` with `argv` (the arguments after the program name) and
 * return the exit code: 0 accepted (or a sound configuration), 1 refused, 2 a
 * usage or configuration error.
 *
 * @example
 * ```ts
 * process.exitCode = await runInspect(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), … })
 * ```
 */
export async function runInspect(argv: readonly string[], io: InspectIO): Promise<number> {
  const json = argv.includes('--json');
  let report: InspectReport;
  try {
    const args = parseInspectArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return 0;
    }
    report = await inspect(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    report = { verdict: 'usage_error', exitCode: 2, error: error.message, configuration: [] };
  }
  if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (report.verdict === 'usage_error') io.stderr(renderReport(report));
  else io.stdout(renderReport(report));
  return report.exitCode;
}
