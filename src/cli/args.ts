import { parseArgs } from 'node:util';

/** The parsed command line of `logto-authkit inspect`. */
export interface InspectArgs {
  logtoUrl: string | undefined;
  audiences: string[];
  issuers: string[];
  jwksUrl: string | undefined;
  scopes: string[];
  organizationTokens: boolean;
  json: boolean;
  /** The clock in ms (`--now`), or `undefined` for the real one. */
  nowMs: number | undefined;
  /** The token argument; `-` reads standard input; `undefined` checks the configuration only. */
  token: string | undefined;
  help: boolean;
}

/** A command line the inspector cannot run; exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The `--help` text. */
export const USAGE = `Usage: logto-authkit inspect --logto-url URL --audience AUD [options] [TOKEN | -]

Checks a Logto access token the way logto-authkit does, and says what to fix.
Without a token, checks the configuration (discovery, issuer, key set).

Options:
  --logto-url URL        your Logto endpoint, e.g. https://tenant.logto.app (no /oidc)
  --audience AUD         the API resource indicator a token must be issued for (repeatable)
  --issuer URL           accepted issuer, when it is not {logto-url}/oidc (repeatable)
  --jwks-url URL         where the key set lives, when it is not {issuer}/jwks
  --scope SCOPE          a scope the token must carry (repeatable)
  --organization-tokens  accept Logto organization tokens (aud urn:logto:organization:<id>)
  --now TIME             judge the token at TIME (ISO 8601 or seconds since the epoch)
  --json                 print one JSON document on standard output
  --help                 print this text

TOKEN is the access token itself; "-" reads it from standard input (safer: it
stays out of your shell history). A leading "Bearer " is ignored.

Exit codes: 0 the token would be accepted (or, without a token, the
configuration is sound); 1 the token would be refused; 2 a usage or
configuration error (bad option, Logto or its key set unreachable).
`;

/**
 * Parse `--now`: seconds since the epoch (what `exp` holds) or an ISO 8601 date.
 *
 * @example
 * ```ts
 * parseNow('1795430679') // 1795430679000
 * ```
 */
export function parseNow(value: string): number {
  // Date.parse alone takes V8's legacy forms too ("-5" is the year -5).
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : /^\d{4}-\d{2}-\d{2}(T|$)/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`--now "${value}" is neither an ISO 8601 date nor seconds since the epoch`);
  return ms;
}

/**
 * Parse the arguments after the program name (`inspect …`) with Node's own parser.
 *
 * @example
 * ```ts
 * parseInspectArgs(['inspect', '--logto-url', 'https://t.logto.app', '--audience', 'https://api', '-'])
 * ```
 */
export function parseInspectArgs(argv: readonly string[]): InspectArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'logto-url': { type: 'string' },
        audience: { type: 'string', multiple: true },
        issuer: { type: 'string', multiple: true },
        'jwks-url': { type: 'string' },
        scope: { type: 'string', multiple: true },
        'organization-tokens': { type: 'boolean' },
        now: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  const [command, token, ...extra] = positionals;
  if (!help && command !== 'inspect') throw new UsageError(command === undefined ? 'missing the command "inspect"' : `unknown command "${command}" (the only command is "inspect")`);
  if (extra.length > 0) throw new UsageError('give at most one token (or "-" to read it from standard input)');
  const audiences = values.audience ?? [];
  const issuers = values.issuer ?? [];
  if (!help && audiences.length === 0) throw new UsageError('--audience is required (your API resource indicator, e.g. https://api.example.com)');
  if (!help && values['logto-url'] === undefined && (issuers.length === 0 || values['jwks-url'] === undefined)) {
    throw new UsageError('--logto-url is required unless both --issuer and --jwks-url are given');
  }
  return {
    logtoUrl: values['logto-url'],
    audiences,
    issuers,
    jwksUrl: values['jwks-url'],
    scopes: (values.scope ?? []).flatMap((s) => s.split(' ')).filter((s) => s !== ''),
    organizationTokens: values['organization-tokens'] === true,
    json: values.json === true,
    nowMs: values.now === undefined ? undefined : parseNow(values.now),
    token,
    help,
  };
}
