/**
 * Set-up mistakes the kit can see at construction, before any token arrives.
 * What is certainly wrong throws (see `logtoUrlProblem`); what may be a deliberate
 * custom set-up is a warning, told once through `onWarning`.
 */

/** What a construction warning is about. A stable string-literal union. */
export type AuthKitWarningCode = 'issuer_without_oidc' | 'jwks_other_origin' | 'audience_looks_like_client_id';

/** A construction warning: a likely set-up mistake that may still be intended. Never holds a token. */
export interface AuthKitWarning {
  /** Stable code of the warning. */
  code: AuthKitWarningCode;
  /** The option concerned. */
  option: 'issuer' | 'jwksUrl' | 'audience';
  /** What looks wrong and what to change, in plain words. */
  message: string;
}

// Logto serves its OpenID Provider under `{endpoint}/oidc` (issuer, discovery, JWKS): a
// logtoUrl with that segment is the issuer or one of its endpoints, never the endpoint.
const OIDC_SEGMENT = /\/oidc(?:\/|$)/;
// Logto application ids (client_id) are 21 lowercase letters and digits (nanoid, custom alphabet);
// API resource indicators are URIs chosen in the Console.
const LOGTO_APP_ID = /^[a-z0-9]{21}$/;

/**
 * The problem with a `logtoUrl`, or `undefined`. One ending in `/oidc` (the issuer, often
 * copied from the discovery document) would derive the issuer `…/oidc/oidc` and refuse
 * every token as issuer_mismatch, so it is an error, never a warning.
 *
 * @example
 * ```ts
 * logtoUrlProblem('https://tenant.logto.app/oidc') // 'must be the Logto endpoint, not its issuer: drop "/oidc" …'
 * ```
 */
export function logtoUrlProblem(logtoUrl: string): string | undefined {
  // Not a URL at all is the schema's own complaint, reported beside this one.
  if (!URL.canParse(logtoUrl)) return undefined;
  const url = new URL(logtoUrl);
  const match = OIDC_SEGMENT.exec(url.pathname);
  if (!match) return undefined;
  const endpoint = `${url.origin}${url.pathname.slice(0, match.index)}`;
  return `must be the Logto endpoint, not its issuer: drop "/oidc" (use "${endpoint}"; the kit derives the issuer "${endpoint}/oidc" and its JWKS)`;
}

/** What {@link configurationWarnings} reads: the normalized values and which were given explicitly. */
export interface ConfigurationFacts {
  issuers: readonly string[];
  audiences: readonly string[];
  jwksUrl: string;
  issuerGiven: boolean;
  jwksUrlGiven: boolean;
}

/**
 * Likely set-up mistakes that may be deliberate, hence warnings:
 * - an `issuer` without `/oidc`: Logto's issuer always ends in it, but a proxy or
 *   another OpenID provider may publish a different one;
 * - a `jwksUrl` on no issuer's origin: wrong for a tenant, right for a private address
 *   of the same Logto (a container name, an internal load balancer);
 * - an `audience` shaped like a Logto application id: tokens carry the API resource
 *   indicator in `aud`, but nothing forbids an indicator of that shape.
 *
 * @example
 * ```ts
 * configurationWarnings({ issuers: ['https://t.logto.app'], audiences: ['https://api'], jwksUrl: 'https://t.logto.app/jwks', issuerGiven: true, jwksUrlGiven: true })
 * // [{ code: 'issuer_without_oidc', option: 'issuer', message: '…' }]
 * ```
 */
export function configurationWarnings(facts: ConfigurationFacts): AuthKitWarning[] {
  const warnings: AuthKitWarning[] = [];
  if (facts.issuerGiven) {
    for (const issuer of facts.issuers) {
      if (new URL(issuer).pathname.endsWith('/oidc')) continue;
      warnings.push({
        code: 'issuer_without_oidc',
        option: 'issuer',
        message: `option "issuer" "${issuer}" does not end with /oidc: a Logto issuer is "<endpoint>/oidc" (the "issuer" of its /oidc/.well-known/openid-configuration); tokens from Logto will be refused as issuer_mismatch unless this is a custom set-up`,
      });
    }
  }
  if (facts.jwksUrlGiven) {
    const origin = new URL(facts.jwksUrl).origin;
    if (!facts.issuers.some((issuer) => new URL(issuer).origin === origin)) {
      warnings.push({
        code: 'jwks_other_origin',
        option: 'jwksUrl',
        message: `option "jwksUrl" is on ${origin}, the origin of no issuer: keys from elsewhere do not verify the tenant's tokens (unknown_kid); use "<issuer>/jwks" unless this is a private address of the same Logto`,
      });
    }
  }
  for (const audience of facts.audiences) {
    if (!LOGTO_APP_ID.test(audience)) continue;
    warnings.push({
      code: 'audience_looks_like_client_id',
      option: 'audience',
      message: `option "audience" "${audience}" looks like a Logto application id (client_id): the audience is the API identifier from Console > API resources (e.g. "https://api.example.com"), which tokens carry in "aud"`,
    });
  }
  return warnings;
}

const told = new Set<string>();

/**
 * The default `onWarning`: `console.warn`, each distinct warning once per process
 * (a server that builds a kit per request or per test must not repeat it forever).
 *
 * @example
 * ```ts
 * createAuthKit({ ...options, onWarning: warnOnce })
 * ```
 */
export function warnOnce(warning: AuthKitWarning): void {
  if (told.has(warning.message)) return;
  if (told.size < 100) told.add(warning.message);
  console.warn(`logto-authkit: ${warning.message}`);
}
