import { z } from 'zod';
import type { RevocationStore } from './revocation-store.js';
import { configurationWarnings, logtoUrlProblem, warnOnce, type AuthKitWarning } from './config-diagnostics.js';
import type { RefusalReport } from './refusal-report.js';

/** Algorithms Logto can sign with (docs/logto.md "Keys": RS256, PS256, ES256, ES384, ES512). */
export const SUPPORTED_ALGORITHMS = ['ES384', 'ES256', 'ES512', 'RS256', 'PS256', 'RS384', 'RS512', 'PS384', 'PS512', 'EdDSA'] as const;
/** Where a token may come from. */
export type TokenSource = 'cookie' | 'header';

/** Anything with a zod-like `safeParse` (zod 3 and 4 both qualify). */
export interface ClaimsSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/**
 * Options of {@link createAuthKit}. Validated once, at construction; a bad
 * option throws a `TypeError` that names it.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' })
 * ```
 */
export interface AuthKitOptions<TClaims = Record<string, unknown>> {
  /** Your Logto endpoint, e.g. `https://tenant.logto.app`. Required unless `issuer` and `jwksUrl` are given. */
  logtoUrl?: string;
  /** The API resource indicator(s) a token must be issued for. Required. */
  audience: string | string[];
  /** Accepted `iss` values, matched exactly. @default `${logtoUrl}/oidc` */
  issuer?: string | string[];
  /** Where the key set lives. @default `${first issuer}/jwks` */
  jwksUrl?: string;
  /** Cookie carrying the access token. @default 'logto_authtoken' */
  cookieName?: string;
  /** Cookie carrying the guest id. @default 'guest_logto_authtoken' */
  guestCookieName?: string;
  /** Where to look for a token, in order; the first valid one wins. @default ['cookie', 'header'] */
  tokenSources?: TokenSource[];
  /** CSRF protection for cookie-borne tokens on unsafe methods. @default {} (on) */
  csrf?: false | { trustedOrigins?: string[] };
  /** Scopes every request must carry (all of them). @default [] */
  requiredScope?: string | string[];
  /** Give unauthenticated callers a guest context instead of an error. @default false */
  allowGuest?: boolean;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. @default 5 */
  clockTolerance?: number;
  /** Refuse tokens whose `iat` is older than this many seconds. @default undefined (no limit) */
  maxTokenAge?: number;
  /** Accepted JWS algorithms. Never `none`, never HMAC. @default ['ES384','ES256','ES512','RS256','PS256'] */
  algorithms?: string[];
  /** How long (ms) a fetched key set is fresh. @default 300000 */
  jwksCacheTtl?: number;
  /** Minimum ms between refetches caused by an unknown `kid`. @default 30000 */
  jwksCooldown?: number;
  /** Timeout (ms) of one key-set fetch. @default 5000 */
  jwksTimeout?: number;
  /** How long (ms) a cached key set keeps serving while Logto is unreachable. @default 3600000 */
  jwksStaleTtl?: number;
  /**
   * Verified-token LRU, bounded by entries and by estimated bytes (token and payload at two bytes
   * a character, plus ~0.5 KB an entry); a token larger than `maxBytes` alone is not cached. While
   * enabled, a small cache of refused signatures (1,000 tokens, 4 MiB, a minute each) makes a
   * replayed forgery cost a lookup. `false` turns both off.
   * @default { maxEntries: 10000, maxBytes: 67108864 }
   */
  tokenCache?: false | { maxEntries?: number; maxBytes?: number };
  /** Largest token accepted, in bytes, checked before any parsing. @default 16384 */
  maxTokenSize?: number;
  /** Store of revoked subjects (back-channel logout). @default undefined */
  revocation?: RevocationStore;
  /** Schema for custom claims; its output types `ctx.claims`. @default undefined */
  claims?: ClaimsSchema<TClaims>;
  /** Accept Logto organization tokens (`aud = urn:logto:organization:<id>`). @default false */
  organizationTokens?: boolean;
  /** Injected fetch (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Injected clock in ms (tests). @default Date.now */
  now?: () => number;
  /**
   * Told of likely set-up mistakes found at construction (an `issuer` without `/oidc`, a
   * `jwksUrl` on another origin, an `audience` shaped like a client id). Never given a token.
   * @default console.warn, each distinct warning once per process
   * @example
   * ```ts
   * createAuthKit({ logtoUrl, audience, onWarning: (w) => logger.warn(w.message, { code: w.code }) })
   * ```
   */
  onWarning?: (warning: AuthKitWarning) => void;
  /**
   * Told of refused tokens and requests, with what the client is never shown: the
   * token's `iss`, `aud`, `exp`, `kid` beside the expected issuers, audiences, clock and
   * key ids (never the token, its signature or `sub`). At most `onRefusedPerMinute` reports per
   * reason per minute; `report.suppressed` counts the rest. A request without any token is not a refusal here.
   * @default undefined (no reports)
   * @example
   * ```ts
   * createAuthKit({ logtoUrl, audience, onRefused: (r) => logger.info(`${r.reason}: ${r.fix}`, r.token) })
   * ```
   */
  onRefused?: (report: RefusalReport) => void;
  /** Reports `onRefused` receives per reason per minute of `now`. @default 10 */
  onRefusedPerMinute?: number;
}

/** Options after validation and defaults: what the pipeline reads. */
export interface NormalizedOptions<TClaims = Record<string, unknown>> {
  issuers: readonly string[];
  audiences: readonly string[];
  jwksUrl: string;
  cookieName: string;
  guestCookieName: string;
  tokenSources: readonly TokenSource[];
  csrf: false | { trustedOrigins: ReadonlySet<string> };
  requiredScopes: readonly string[];
  allowGuest: boolean;
  clockTolerance: number;
  maxTokenAge: number | undefined;
  algorithms: readonly string[];
  jwksCacheTtl: number;
  jwksCooldown: number;
  jwksTimeout: number;
  jwksStaleTtl: number;
  tokenCache: false | { maxEntries: number; maxBytes: number };
  maxTokenSize: number;
  revocation: RevocationStore | undefined;
  claims: ClaimsSchema<TClaims> | undefined;
  organizationTokens: boolean;
  fetch: typeof fetch;
  now: () => number;
  /** Likely set-up mistakes found at construction (the kit tells `onWarning` of each). */
  warnings: readonly AuthKitWarning[];
  onWarning: (warning: AuthKitWarning) => void;
  onRefused: ((report: RefusalReport) => void) | undefined;
  onRefusedPerMinute: number;
}

const DEFAULT_ALGORITHMS = ['ES384', 'ES256', 'ES512', 'RS256', 'PS256'];

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const logtoEndpoint = url.superRefine((value, ctx) => {
  const problem = logtoUrlProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
const callback = <T>() => z.custom<T>((v) => typeof v === 'function', 'must be a function');
const oneOrMany = <T extends z.ZodType<string>>(item: T) => z.union([item, z.array(item).min(1, 'must not be an empty list')]);
const duration = z.number().int('must be an integer').nonnegative('must not be negative');
const positive = z.number().int('must be an integer').positive('must be positive');
const algorithm = z.string().superRefine((alg, ctx) => {
  if ((SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) return;
  ctx.addIssue({
    code: 'custom',
    message: /^(none|hs\d+)$/i.test(alg)
      ? `"${alg}" is never accepted (no unsigned or HMAC tokens)`
      : `"${alg}" is not one of ${SUPPORTED_ALGORITHMS.join(', ')}`,
  });
});
const headerToken = z.string().min(1).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid cookie name');

const schema = z
  .object({
    logtoUrl: logtoEndpoint.optional(),
    audience: oneOrMany(z.string().min(1, 'must not be empty')),
    issuer: oneOrMany(url).optional(),
    jwksUrl: url.optional(),
    cookieName: headerToken.optional(),
    guestCookieName: headerToken.optional(),
    tokenSources: z.array(z.enum(['cookie', 'header'])).min(1, 'must name at least one source').optional(),
    csrf: z.union([z.literal(false), z.object({ trustedOrigins: z.array(url).optional() }).strict()]).optional(),
    requiredScope: z.union([z.string().regex(/^\S+$/, 'must be one scope without spaces'), z.array(z.string().regex(/^\S+$/, 'must be scopes without spaces'))]).optional(),
    allowGuest: z.boolean().optional(),
    clockTolerance: z.number().finite().nonnegative('must not be negative').max(300, 'must be at most 300 seconds').optional(),
    maxTokenAge: z.number().finite().positive('must be positive').optional(),
    algorithms: z.array(algorithm).min(1, 'must name at least one algorithm').optional(),
    jwksCacheTtl: duration.optional(),
    jwksCooldown: duration.optional(),
    jwksTimeout: positive.optional(),
    jwksStaleTtl: duration.optional(),
    tokenCache: z.union([z.literal(false), z.object({ maxEntries: positive.optional(), maxBytes: positive.optional() }).strict()]).optional(),
    maxTokenSize: positive.max(1 << 20, 'must be at most 1 MiB').optional(),
    revocation: z.custom<RevocationStore>((v) => typeof v === 'object' && v !== null && typeof (v as RevocationStore).getRevokedAt === 'function', 'must be a RevocationStore').optional(),
    claims: z.custom<ClaimsSchema<unknown>>((v) => typeof v === 'object' && v !== null && typeof (v as ClaimsSchema<unknown>).safeParse === 'function', 'must be a zod schema').optional(),
    organizationTokens: z.boolean().optional(),
    fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'must be a function').optional(),
    now: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
    onWarning: callback<(warning: AuthKitWarning) => void>().optional(),
    onRefused: callback<(report: RefusalReport) => void>().optional(),
    onRefusedPerMinute: positive.optional(),
  })
  .strict()
  .refine((o) => o.logtoUrl !== undefined || (o.issuer !== undefined && o.jwksUrl !== undefined), {
    message: 'is required unless both issuer and jwksUrl are given',
    path: ['logtoUrl'],
  });

// zod's own texts ("Invalid input") do not say what was expected; unions are the usual culprit.
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    const first = issue.errors.flat()[0];
    return first && first.code !== 'invalid_type' ? first.message : 'has the wrong type';
  }
  return issue.message;
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? [...v] : [v]);
const trimSlash = (v: string): string => v.replace(/\/+$/, '');

/** Thrown for a bad option; the message names the option. */
export class AuthKitOptionsError extends TypeError {
  override readonly name = 'AuthKitOptionsError';
}

/**
 * Validate options once and fill in defaults. Never mutates `input`.
 *
 * @example
 * ```ts
 * const options = normalizeOptions({ logtoUrl: 'https://t.logto.app', audience: 'https://api' })
 * options.issuers // ['https://t.logto.app/oidc']
 * ```
 */
export function normalizeOptions<TClaims>(input: AuthKitOptions<TClaims>): NormalizedOptions<TClaims> {
  if (typeof input !== 'object' || input === null) throw new AuthKitOptionsError('logto-authkit: options must be an object');
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.length > 0 ? issue.path.join('.') : 'options';
      const given = issue.path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
      const message = given === undefined && issue.code !== 'custom' ? 'is required' : describeIssue(issue);
      return issue.code === 'unrecognized_keys' ? `unknown option(s) ${issue.keys.join(', ')}` : `option "${name}" ${message}`;
    });
    throw new AuthKitOptionsError(`logto-authkit: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  const logtoUrl = o.logtoUrl === undefined ? undefined : trimSlash(o.logtoUrl);
  // docs/logto.md "Endpoints": the issuer is `{endpoint}/oidc`, no trailing slash; JWKS at `{issuer}/jwks`.
  const issuers = o.issuer === undefined ? [`${logtoUrl}/oidc`] : list(o.issuer).map(trimSlash);
  const audiences = list(o.audience);
  const jwksUrl = o.jwksUrl ?? `${issuers[0]}/jwks`;
  return {
    issuers,
    audiences,
    jwksUrl,
    cookieName: o.cookieName ?? 'logto_authtoken',
    guestCookieName: o.guestCookieName ?? 'guest_logto_authtoken',
    tokenSources: o.tokenSources ? [...new Set(o.tokenSources)] : ['cookie', 'header'],
    csrf: o.csrf === false ? false : { trustedOrigins: new Set((o.csrf?.trustedOrigins ?? []).map((u) => new URL(u).origin)) },
    requiredScopes: o.requiredScope === undefined ? [] : list(o.requiredScope),
    allowGuest: o.allowGuest ?? false,
    clockTolerance: o.clockTolerance ?? 5,
    maxTokenAge: o.maxTokenAge,
    algorithms: o.algorithms ? [...new Set(o.algorithms)] : DEFAULT_ALGORITHMS,
    jwksCacheTtl: o.jwksCacheTtl ?? 300_000,
    jwksCooldown: o.jwksCooldown ?? 30_000,
    jwksTimeout: o.jwksTimeout ?? 5_000,
    jwksStaleTtl: o.jwksStaleTtl ?? 3_600_000,
    tokenCache: o.tokenCache === false ? false : { maxEntries: o.tokenCache?.maxEntries ?? 10_000, maxBytes: o.tokenCache?.maxBytes ?? 64 * 1024 * 1024 },
    maxTokenSize: o.maxTokenSize ?? 16_384,
    revocation: o.revocation,
    claims: input.claims,
    organizationTokens: o.organizationTokens ?? false,
    fetch: o.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args)),
    now: o.now ?? Date.now,
    warnings: configurationWarnings({ issuers, audiences, jwksUrl, issuerGiven: o.issuer !== undefined, jwksUrlGiven: o.jwksUrl !== undefined }),
    onWarning: o.onWarning ?? warnOnce,
    onRefused: o.onRefused,
    onRefusedPerMinute: o.onRefusedPerMinute ?? 10,
  };
}
