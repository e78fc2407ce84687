/**
 * What to change for each failure the inspector finds, in plain words. Unlike the
 * kit's refusals (which a client sees), these may name the expected values: they are
 * printed on the developer's own machine.
 */
const list = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(' or ');

/** Fix texts by reason; each takes the values it names. */
export const FIXES = {
  logto_url_has_oidc: (endpoint: string) => `pass --logto-url ${endpoint} (the endpoint without /oidc: the kit appends /oidc itself)`,
  discovery_unreachable: (url: string) =>
    `check that --logto-url is your Logto endpoint (Logto Console → your tenant's endpoint, e.g. https://tenant.logto.app) and that ${url} opens from this machine`,
  issuer_mismatch_config: (issuer: string) =>
    issuer.endsWith('/oidc')
      ? `pass --logto-url ${issuer.slice(0, -'/oidc'.length)} (or --issuer ${issuer} if Logto is served on a custom domain)`
      : `pass --issuer ${issuer}`,
  jwks_uri_differs: (uri: string) => `pass --jwks-url ${uri} (the kit's jwksUrl option), or fix --logto-url / --issuer`,
  jwks_unreachable: (url: string) => `check that ${url} opens from this machine; it is {issuer}/jwks unless --jwks-url says otherwise`,
  no_usable_key: (algorithms: readonly string[]) => `publish a signing key in Logto Console (Tenant settings → Signing keys) or allow its algorithm (the kit's algorithms option; allowed now: ${algorithms.join(', ')})`,
  opaque_token: (audiences: readonly string[]) =>
    `this is an opaque token: Logto issues one when the client asked for no API resource. Request an access token for the API resource ${list(audiences)} (Logto SDKs: list it in "resources" and call getAccessToken(${JSON.stringify(audiences[0])}); client credentials: send resource=${audiences[0]})`,
  encrypted_token: () => 'this is an encrypted token (JWE), not a Logto access token: send the access token Logto issued for your API resource',
  malformed: () => 'send the access token exactly as Logto issued it (three base64url parts separated by dots, no quotes or spaces)',
  too_large: (max: number) => `the token is larger than ${max} bytes; Logto's access tokens are far smaller: check you are sending the access token`,
  algorithm_not_allowed: (alg: string, algorithms: readonly string[]) =>
    /^(none|HS\d+)$/i.test(alg)
      ? `"${alg}" is never accepted (no unsigned or HMAC tokens): this token was not issued by Logto`
      : `the token is signed with ${alg}, which this API does not allow (allowed: ${algorithms.join(', ')}): add it to the kit's algorithms option`,
  id_token: (audiences: readonly string[]) =>
    `this is an ID token (it identifies the user to your app); an API needs an access token: call getAccessToken(${JSON.stringify(audiences[0])}) in the Logto SDK and send that token`,
  logout_token: () => 'this is a back-channel logout token: it belongs on the back-channel logout endpoint, not on API calls',
  not_access_token: () => 'send an access token for your API resource (its header has typ "at+jwt")',
  missing_kid: () => 'Logto always names its signing key (kid): this token was not issued by Logto',
  key_in_header: () => 'the token names its own key (jku/x5u/jwk/x5c), which is never trusted: it was not issued by Logto',
  issuer_mismatch: (iss: string) =>
    iss.endsWith('/oidc')
      ? `the token comes from ${iss}. If that is your tenant, pass --logto-url ${iss.slice(0, -'/oidc'.length)} (or --issuer ${iss} for a custom domain); otherwise get the token from the tenant this API trusts`
      : `the token comes from ${iss}, which is not a Logto issuer this API trusts: get the token from your Logto tenant`,
  organization_token: (organizationId: string, audiences: readonly string[]) =>
    `this is an organization token (for organization ${organizationId}); it is for organization-level permissions, not an API resource. Request a token for the API resource ${list(audiences)} with the organization (getAccessToken(${JSON.stringify(audiences[0])}, ${JSON.stringify(organizationId)}): it carries organization_id), or accept organization tokens (--organization-tokens, the kit's organizationTokens option)`,
  audience_mismatch: (aud: unknown, audiences: readonly string[]) =>
    aud === undefined
      ? `the token names no API resource: request it for ${list(audiences)}`
      : `request the token for the API resource ${list(audiences)} (its API identifier in Logto Console → API resources); or, if ${JSON.stringify(aud)} is this API's identifier, pass it as --audience`,
  invalid_claims: () => 'Logto access tokens always carry sub, exp and a string scope: this token was not issued by Logto as an access token',
  token_expired: () => 'get a fresh token (Logto SDKs refresh it in getAccessToken()); if it was issued moments ago, this machine\'s clock is wrong (sync it with NTP)',
  token_not_yet_valid: () => 'the clocks of Logto and this machine disagree: sync this machine\'s clock (NTP)',
  unknown_kid: (jwksUrl: string) =>
    `the key that signed the token is not published at ${jwksUrl}: the token comes from another tenant (compare its iss), or from a key Logto no longer publishes (it keeps the two newest after a rotation). Get a new token`,
  bad_signature: (issuer: string) => `the token was altered, or signed by another key under the same kid: get a new token from ${issuer}`,
  no_scope: (missing: readonly string[], aud: string) =>
    `the token carries no scope: no role grants it this API's permissions. In Logto Console, give the user (or M2M app) a role with the permission(s) ${missing.join(', ')} of the API resource ${aud}, and request them (the SDK's "scopes" config or the scope parameter)`,
  insufficient_scope: (missing: readonly string[], aud: string) =>
    `grant ${missing.join(', ')} of the API resource ${aud} through a role in Logto Console, and request the scope(s) when asking for the token (Logto drops requested scopes no role grants)`,
} as const;
