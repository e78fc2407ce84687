import { refusal } from './errors.js';

/** The claim rules a token must meet, derived once from the options. */
export interface ClaimRules {
  issuers: readonly string[];
  audiences: readonly string[];
  /** Accept `aud = urn:logto:organization:<id>` (Logto organization tokens). */
  organizationTokens: boolean;
  /** Seconds. */
  clockTolerance: number;
  /** Seconds since `iat`, or `undefined` for no limit. */
  maxTokenAge: number | undefined;
}

/** The prefix of a Logto organization token's audience. */
export const ORGANIZATION_AUDIENCE_PREFIX = 'urn:logto:organization:';

// ECMA-262 §21.4.1.22: a Date holds at most ±8.64e15 ms. A later `exp` (say 1e308, finite) would be
// accepted by jose and become an Invalid Date in `expiresAt` and an Infinity cache expiry.
const MAX_DATE_SECONDS = 8.64e12;
const isDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_DATE_SECONDS;

/**
 * Check `iss`, `aud` and the shape of the standard claims, before any
 * signature work. Messages never echo the expected issuer or audience (that
 * would tell any caller which values to forge).
 *
 * @example
 * ```ts
 * checkStaticClaims(payload, rules) // throws AuthError('invalid_issuer') on a foreign token
 * ```
 */
export function checkStaticClaims(payload: Record<string, unknown>, rules: ClaimRules): void {
  const { iss, aud, sub, scope, client_id: clientId, organization_id: organizationId } = payload;
  if (typeof iss !== 'string' || !rules.issuers.includes(iss)) {
    throw refusal('issuer_mismatch');
  }
  if (!audienceMatches(aud, rules)) {
    const org = typeof aud === 'string' && aud.startsWith(ORGANIZATION_AUDIENCE_PREFIX);
    throw refusal(org ? 'organization_token' : 'audience_mismatch');
  }
  if (typeof sub !== 'string' || sub === '') throw refusal('missing_subject');
  if (scope !== undefined && typeof scope !== 'string') throw refusal('malformed_claim', { message: 'scope claim must be a string' });
  if (clientId !== undefined && typeof clientId !== 'string') throw refusal('malformed_claim', { message: 'client_id claim must be a string' });
  if (organizationId !== undefined && (typeof organizationId !== 'string' || organizationId === '')) {
    throw refusal('malformed_claim', { message: 'organization_id claim must be a non-empty string' });
  }
  // One token, one organization: an organization token naming another organization_id is ambiguous.
  let orgAudience: string | undefined;
  let orgAudiences = 0;
  for (const a of Array.isArray(aud) ? (aud as unknown[]) : [aud]) {
    if (typeof a === 'string' && a.startsWith(ORGANIZATION_AUDIENCE_PREFIX)) {
      orgAudiences++;
      orgAudience = a;
    }
  }
  if (orgAudiences > 1 || (orgAudience !== undefined && organizationId !== undefined && orgAudience !== ORGANIZATION_AUDIENCE_PREFIX + organizationId)) {
    throw refusal('ambiguous_organization');
  }
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[name];
    // jose alone takes a token without exp, and `exp: 1e400` (Infinity) as never expiring.
    if (value === undefined ? name === 'exp' : !isDate(value)) {
      const message = `token ${name} claim is ${value === undefined ? 'missing' : 'not a valid date (a finite number of seconds)'}`;
      throw refusal(value === undefined ? 'missing_exp' : 'malformed_time_claim', { message });
    }
  }
}

/**
 * Check the time claims against `nowMs`. Run on every request, cache hits too:
 * a cached token is never valid past its own `exp` or `maxTokenAge`.
 *
 * @example
 * ```ts
 * checkTimeClaims({ exp: 1, iat: 0 }, rules, Date.now()) // throws AuthError('token_expired')
 * ```
 */
export function checkTimeClaims(payload: Record<string, unknown>, rules: ClaimRules, nowMs: number): void {
  const now = nowMs / 1000;
  const tolerance = rules.clockTolerance;
  const exp = payload.exp as number;
  // RFC 7519 §4.1.4: the token must not be accepted on or after exp.
  if (now - tolerance >= exp) throw refusal('expired');
  const nbf = payload.nbf as number | undefined;
  if (nbf !== undefined && now + tolerance < nbf) throw refusal('not_yet_valid');
  const iat = payload.iat as number | undefined;
  if (iat !== undefined && now + tolerance < iat) throw refusal('issued_in_future');
  if (rules.maxTokenAge !== undefined) {
    if (iat === undefined) throw refusal('missing_iat');
    if (now - iat > rules.maxTokenAge + tolerance) throw refusal('too_old');
  }
}

function audienceMatches(aud: unknown, rules: ClaimRules): boolean {
  const one = (v: unknown): boolean =>
    typeof v === 'string' &&
    (rules.audiences.includes(v) || (rules.organizationTokens && v.length > ORGANIZATION_AUDIENCE_PREFIX.length && v.startsWith(ORGANIZATION_AUDIENCE_PREFIX)));
  if (typeof aud === 'string') return one(aud);
  // RFC 7519 §4.1.3: an array audience is accepted when it names us.
  return Array.isArray(aud) && aud.length > 0 && aud.every((v) => typeof v === 'string') && aud.some(one);
}

/**
 * The organization a token is bound to: `organization_id`, or the id in an
 * organization token's audience (Logto organization tokens carry no claim).
 *
 * @example
 * ```ts
 * organizationOf({ aud: 'urn:logto:organization:abc' }) // { organizationId: 'abc', isOrganizationToken: true }
 * ```
 */
export function organizationOf(payload: Record<string, unknown>): { organizationId: string | undefined; isOrganizationToken: boolean } {
  const auds = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  const orgAud = auds.find((a): a is string => typeof a === 'string' && a.startsWith(ORGANIZATION_AUDIENCE_PREFIX));
  const claim = typeof payload.organization_id === 'string' ? payload.organization_id : undefined;
  return {
    organizationId: claim ?? orgAud?.slice(ORGANIZATION_AUDIENCE_PREFIX.length),
    isOrganizationToken: orgAud !== undefined,
  };
}
