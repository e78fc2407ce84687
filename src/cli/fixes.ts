import { REFUSAL_REASONS, type RefusalReason } from 'logto-authkit';

/**
 * What to change for each failure the inspector finds. A token's failures reuse the
 * kit's own fix texts (`REFUSAL_REASONS`), followed by what they mean here: unlike a
 * refusal a client sees, the inspector may name the expected values, as it runs on
 * the developer's own machine.
 */
const list = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(' or ');

/**
 * The kit's fix for `reason`, then `here`, the same advice with this run's values.
 *
 * @example
 * ```ts
 * fixFor('audience_mismatch', 'request the token for "https://api.example.com"')
 * ```
 */
export function fixFor(reason: RefusalReason, here?: string): string {
  const { fix } = REFUSAL_REASONS[reason];
  return here === undefined ? fix : `${fix} Here: ${here}.`;
}

/** The same advice with this run's values, by reason. */
export const HERE = {
  opaque_token: (audiences: readonly string[]) => `request it for ${list(audiences)} (getAccessToken(${JSON.stringify(audiences[0])}); with client credentials, resource=${audiences[0]})`,
  algorithm_not_allowed: (alg: string, algorithms: readonly string[]) =>
    /^(none|HS\d+)$/i.test(alg) ? `"${alg}" is never accepted (no unsigned or HMAC tokens): the token was not issued by Logto` : `the token uses ${alg}; allowed: ${algorithms.join(', ')}`,
  id_token: (audiences: readonly string[]) => `send getAccessToken(${JSON.stringify(audiences[0])})`,
  issuer_mismatch: (iss: string) =>
    iss.endsWith('/oidc')
      ? `the token comes from ${iss}; if that is the tenant this API should trust, pass --logto-url ${iss.slice(0, -'/oidc'.length)} (or --issuer ${iss} for a custom domain)`
      : `the token comes from ${iss}, which is not a Logto issuer (Logto's end in /oidc)`,
  organization_token: (organizationId: string, audiences: readonly string[]) =>
    `request getAccessToken(${JSON.stringify(audiences[0])}, ${JSON.stringify(organizationId)}), or pass --organization-tokens`,
  audience_mismatch: (aud: unknown, audiences: readonly string[]) =>
    aud === undefined ? `request the token for ${list(audiences)}` : `request the token for ${list(audiences)}; or, if ${JSON.stringify(aud)} is this API's identifier, pass it as --audience`,
  unknown_kid: (jwksUrl: string) => `the kit reads ${jwksUrl}; compare the token's iss with the tenant of that key set`,
  scope: (missing: readonly string[], aud: string) => `grant and request ${missing.join(', ')} of the API resource ${aud}`,
} as const;

/** Fixes of the configuration checks, which have no refusal of their own (they are about the options). */
export const CONFIG_FIXES = {
  discovery_unreachable: (url: string) =>
    `check that --logto-url is your Logto endpoint (Logto Console, e.g. https://tenant.logto.app) and that ${url} opens from this machine`,
  issuer_mismatch: (issuer: string) =>
    issuer.endsWith('/oidc')
      ? `pass --logto-url ${issuer.slice(0, -'/oidc'.length)} (or --issuer ${issuer} if Logto is served on a custom domain)`
      : `pass --issuer ${issuer}`,
  jwks_uri_differs: (uri: string) => `pass --jwks-url ${uri} (the kit's jwksUrl option), or fix --logto-url / --issuer`,
  jwks_unreachable: (url: string) => `check that ${url} opens from this machine; it is {issuer}/jwks unless --jwks-url says otherwise`,
  no_usable_key: (algorithms: readonly string[]) =>
    `publish a signing key in Logto Console (Tenant settings → Signing keys) or allow its algorithm (the kit's algorithms option; allowed now: ${algorithms.join(', ')})`,
} as const;
