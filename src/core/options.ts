import { configurationWarnings, logtoUrlProblem, warnOnce } from './config-diagnostics.js';
import { resourceUrlProblem } from './resource-url.js';
import { allOf, exactObject, falseOr, httpUrl, isBoolean, isFunction, isString, listOf, matches, numberIn, oneOrMany, optionProblems, satisfies, type OptionRule } from './option-rules.js';
import { SUPPORTED_ALGORITHMS, type AuthKitOptions, type NormalizedOptions } from './option-types.js';

export { SUPPORTED_ALGORITHMS, type AuthKitOptions, type ClaimsSchema, type NormalizedOptions, type TokenSource } from './option-types.js';

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
