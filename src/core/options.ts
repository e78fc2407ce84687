import type { RevocationStore } from './revocation-store.js';
import { configurationWarnings, logtoUrlProblem, warnOnce, type AuthKitWarning } from './config-diagnostics.js';
import type { RefusalReport } from './refusal-report.js';
import { resourceUrlProblem } from './resource-url.js';
import { allOf, exactObject, falseOr, httpUrl, isBoolean, isFunction, isString, listOf, matches, numberIn, oneOrMany, optionProblems, satisfies, type OptionRule } from './option-rules.js';

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
  /**
   * The URL of this API's RFC 9728 protected-resource metadata document. When set, every
   * `Bearer` challenge the kit's errors carry (401, and the 403 `insufficient_scope`) names it as
   * `resource_metadata="…"` (RFC 9728 §5.1), which MCP clients need to find Logto. Compute it with
   * `protectedResourceMetadataUrl(resource)`; https, or http on localhost/127.0.0.1.
   * @default undefined (no `resource_metadata` parameter)
   * @example
   * ```ts
   * createAuthKit({ logtoUrl, audience: 'https://mcp.example.com/mcp', resourceMetadataUrl: protectedResourceMetadataUrl('https://mcp.example.com/mcp') })
   * ```
   */
  resourceMetadataUrl?: string;
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
  resourceMetadataUrl: string | undefined;
}

const DEFAULT_ALGORITHMS = ['ES384', 'ES256', 'ES512', 'RS256', 'PS256'];

const logtoEndpoint = allOf(httpUrl, (value) => {
  const problem = logtoUrlProblem(value as string);
  return problem === undefined ? undefined : { path: '', message: problem };
});
const duration = numberIn({ integer: true, min: 0 });
const positive = numberIn({ integer: true, above: 0 });
const algorithm = allOf(isString, (alg) => {
  if ((SUPPORTED_ALGORITHMS as readonly string[]).includes(alg as string)) return undefined;
  const message = /^(none|hs\d+)$/i.test(alg as string)
    ? `"${alg as string}" is never accepted (no unsigned or HMAC tokens)`
    : `"${alg as string}" is not one of ${SUPPORTED_ALGORITHMS.join(', ')}`;
  return { path: '', message };
});
const headerToken = matches(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid cookie name');
const hasMethod = (method: string, message: string) =>
  satisfies((v) => typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function', message);

const rules: Readonly<Record<keyof AuthKitOptions, OptionRule>> = {
  logtoUrl: logtoEndpoint,
  audience: oneOrMany(matches(/./, 'must not be empty')),
  issuer: oneOrMany(httpUrl),
  jwksUrl: httpUrl,
  cookieName: headerToken,
  guestCookieName: headerToken,
  tokenSources: listOf(satisfies((v) => v === 'cookie' || v === 'header', 'must be "cookie" or "header"'), 'must name at least one source'),
  csrf: falseOr(exactObject({ trustedOrigins: listOf(httpUrl) })),
  requiredScope: (v) => (Array.isArray(v) ? listOf(matches(/^\S+$/, 'must be scopes without spaces'))(v) : matches(/^\S+$/, 'must be one scope without spaces')(v)),
  allowGuest: isBoolean,
  clockTolerance: numberIn({ min: 0, max: 300, maxMessage: 'must be at most 300 seconds' }),
  maxTokenAge: numberIn({ above: 0 }),
  algorithms: listOf(algorithm, 'must name at least one algorithm'),
  jwksCacheTtl: duration,
  jwksCooldown: duration,
  jwksTimeout: positive,
  jwksStaleTtl: duration,
  tokenCache: falseOr(exactObject({ maxEntries: positive, maxBytes: positive })),
  maxTokenSize: allOf(positive, numberIn({ max: 1 << 20, maxMessage: 'must be at most 1 MiB' })),
  revocation: hasMethod('getRevokedAt', 'must be a RevocationStore'),
  claims: hasMethod('safeParse', 'must be a zod schema'),
  organizationTokens: isBoolean,
  fetch: isFunction,
  now: isFunction,
  onWarning: isFunction,
  onRefused: isFunction,
  onRefusedPerMinute: positive,
  resourceMetadataUrl: (value) => {
    const message = resourceUrlProblem(value);
    return message === undefined ? undefined : { path: '', message };
  },
};

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
  const problems = optionProblems(input as unknown as Record<string, unknown>, rules);
  if (input.audience === undefined) problems.push('option "audience" is required');
  if (input.logtoUrl === undefined && (input.issuer === undefined || input.jwksUrl === undefined)) {
    problems.push('option "logtoUrl" is required unless both issuer and jwksUrl are given');
  }
  if (problems.length > 0) throw new AuthKitOptionsError(`logto-authkit: ${problems.join('; ')}`);
  const o = input;
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
    resourceMetadataUrl: o.resourceMetadataUrl,
  };
}
