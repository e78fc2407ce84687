/**
 * Why a token or request was refused, finer than the error code: one machine
 * `reason` per check of the pipeline (as jose's errors carry `claim`/`reason`),
 * each with a plain-words description safe to send to the client and the fix a
 * developer makes (in the client or in the Logto Console). Nothing here holds a
 * token, its payload or the values the API expects.
 */
import type { AuthErrorCode } from './errors.js';

/** Every refusal the pipeline makes, one literal per check. A stable union: values are only ever added. */
export type RefusalReason =
  // The request
  | 'missing_token'
  | 'missing_scheme'
  | 'malformed_authorization'
  | 'repeated_authorization'
  | 'malformed_connection_params'
  | 'csrf_rejected'
  | 'guest_not_allowed'
  // The token's shape and header (before any cryptography)
  | 'token_too_large'
  | 'opaque_token'
  | 'malformed_token'
  | 'malformed_header'
  | 'algorithm_not_allowed'
  | 'id_token'
  | 'logout_token'
  | 'not_access_token'
  | 'missing_kid'
  | 'key_in_header'
  | 'malformed_payload'
  // Its claims
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'organization_token'
  | 'missing_subject'
  | 'malformed_claim'
  | 'ambiguous_organization'
  | 'missing_exp'
  | 'malformed_time_claim'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'missing_iat'
  | 'too_old'
  | 'outlives_revocation_memory'
  | 'claims_schema_mismatch'
  // Its key and signature
  | 'unknown_kid'
  | 'key_algorithm_mismatch'
  | 'bad_signature'
  | 'unverifiable'
  | 'jwks_unavailable'
  | 'jwks_refetch_cooldown'
  | 'key_store_closed'
  // Revocation and authorization
  | 'revoked'
  | 'revocation_unavailable'
  | 'insufficient_scope'
  | 'empty_scope'
  | 'organization_mismatch'
  | 'organization_id_missing'
  | 'organization_required'
  | 'other_organization'
  | 'organization_unresolved'
  | 'policy_denied'
  | 'policy_error';

/** One row of {@link REFUSAL_REASONS}. */
export interface RefusalReasonInfo {
  /** The error code a refusal for this reason carries (its HTTP meaning is in the error table). */
  code: AuthErrorCode;
  /** What the client should do, in plain words; the `AuthError` message and `error_description`. */
  description: string;
  /** What the developer changes (the request, the kit's options, or the Logto Console). Server-side text. */
  fix: string;
}

const row = (code: AuthErrorCode, description: string, fix: string): RefusalReasonInfo => Object.freeze({ code, description, fix });

/**
 * Every refusal reason with its code, client-safe description and fix.
 * The README's "Troubleshooting" table is this table.
 *
 * @example
 * ```ts
 * REFUSAL_REASONS.opaque_token.description // 'this is an opaque token, not a JWT: request an access token for an API resource'
 * ```
 */
export const REFUSAL_REASONS: Readonly<Record<RefusalReason, RefusalReasonInfo>> = Object.freeze({
  missing_token: row('missing_token', 'no access token was presented', 'Send the access token as "Authorization: Bearer <token>" (or in the logto_authtoken cookie).'),
  missing_scheme: row('invalid_request', 'the Authorization header has no scheme: send "Authorization: Bearer <token>"', 'Prefix the token with "Bearer " in the Authorization header.'),
  malformed_authorization: row('invalid_request', 'the Authorization header is malformed or repeated', 'Send exactly one "Authorization: Bearer <token>" header, one space, one token.'),
  repeated_authorization: row('invalid_request', 'the Authorization header is malformed or repeated', 'Send one Authorization header, not several.'),
  malformed_connection_params: row('invalid_token', 'the connection parameters are malformed: send { token } or { authorization: "Bearer <token>" }', 'Pass connectionParams as { token } or { authorization: "Bearer <token>" }.'),
  csrf_rejected: row('csrf_rejected', 'cross-site request with a cookie-borne token was refused', 'Call from a trusted origin (csrf.trustedOrigins) or send the token in the Authorization header.'),
  guest_not_allowed: row('guest_not_allowed', 'sign-in required: guests cannot use this operation', 'Sign the user in before calling this operation.'),
  token_too_large: row('invalid_token', 'token is larger than this API accepts', 'Trim custom claims added by the Logto JWT customizer, or raise maxTokenSize.'),
  opaque_token: row('invalid_token', 'this is an opaque token, not a JWT: request an access token for an API resource', 'Pass the API resource indicator when requesting the token (the "resource" parameter; in Logto SDKs the "resources" config and getAccessToken(resource)).'),
  malformed_token: row('invalid_token', 'token is not a compact JWS (a JWT access token)', 'Send the access_token string as issued by Logto, unchanged.'),
  malformed_header: row('invalid_token', 'token header is not a JSON object', 'Send the access_token string as issued by Logto, unchanged.'),
  algorithm_not_allowed: row('invalid_token', 'token algorithm is not allowed', 'Add the tenant\'s signing algorithm (Console > Tenant settings > Signing keys) to the algorithms option.'),
  id_token: row('invalid_token', 'this is an ID token, not an access token: send an access token requested for this API\'s resource', 'Send getAccessToken(resource) instead of the id_token; an ID token is for the client, not for APIs.'),
  logout_token: row('invalid_token', 'this is a logout token, not an access token', 'Send the access token; logout tokens go to the back-channel logout receiver.'),
  not_access_token: row('invalid_token', 'token is not an access token (typ must be at+jwt)', 'Send an access token issued by Logto for this API\'s resource.'),
  missing_kid: row('invalid_token', 'token header has no usable key id (kid)', 'Send an access token issued by Logto, unchanged.'),
  key_in_header: row('invalid_token', 'token header names its own key (jku/x5u/jwk/x5c), which is never trusted', 'Send an access token issued by Logto; keys come only from its JWKS.'),
  malformed_payload: row('invalid_token', 'token payload is not a JSON object', 'Send the access_token string as issued by Logto, unchanged.'),
  issuer_mismatch: row('invalid_issuer', 'token was not issued by a trusted issuer: request it from this API\'s Logto tenant', 'Request the token from the tenant the API trusts; a custom domain issues its own "iss": list it in the issuer option.'),
  audience_mismatch: row('invalid_audience', 'token was not issued for this API: request an access token with this API\'s resource indicator', 'Request the token with resource = the API identifier of Console > API resources, and set the audience option to that identifier.'),
  organization_token: row('invalid_audience', 'this is an organization token, which this API does not accept: request an access token for the API resource', 'Request a token for the API resource (with organization_id for organization permissions), or set organizationTokens: true.'),
  missing_subject: row('invalid_claims', 'token has no subject (sub)', 'Send an access token issued by Logto, unchanged.'),
  malformed_claim: row('invalid_claims', 'token has a claim of the wrong type', 'Check the Logto JWT customizer: it must not reshape scope, client_id or organization_id.'),
  ambiguous_organization: row('invalid_claims', 'token names more than one organization', 'Request the token for one organization.'),
  missing_exp: row('invalid_token', 'token exp claim is missing', 'Send an access token issued by Logto; they always carry exp.'),
  malformed_time_claim: row('invalid_token', 'token has a time claim (exp, nbf, iat) that is not a valid date', 'Send an access token issued by Logto, unchanged.'),
  expired: row('token_expired', 'token has expired: get a new access token (refresh it)', 'Refresh the token before it expires (Logto SDKs\' getAccessToken does); check the server clock.'),
  not_yet_valid: row('token_not_yet_valid', 'token is not valid yet (nbf)', 'Check the clocks of the API server and Logto, or raise clockTolerance.'),
  issued_in_future: row('token_not_yet_valid', 'token was issued in the future (iat)', 'Check the clocks of the API server and Logto, or raise clockTolerance.'),
  missing_iat: row('token_too_old', 'token has no iat, so its age cannot be checked', 'Send an access token issued by Logto; they always carry iat.'),
  too_old: row('token_too_old', 'token is older than this API allows: get a new access token', 'Refresh tokens more often, or raise maxTokenAge.'),
  outlives_revocation_memory: row('token_too_old', 'token lives longer than the revocation store remembers a sign-out (raise the store\'s ttl)', 'Raise the revocation store\'s ttl above the access token TTL (Console > API resources > token expiration).'),
  claims_schema_mismatch: row('invalid_claims', 'token claims do not match the expected schema', 'Align the claims schema with the Logto JWT customizer\'s output.'),
  unknown_kid: row('invalid_token', 'the token key is not in the key set: get a new access token', 'Request a token from the tenant whose JWKS the kit reads (jwksUrl); after a key rotation tokens signed by removed keys stop working.'),
  key_algorithm_mismatch: row('invalid_token', 'the token key does not fit its algorithm', 'Send an access token issued by Logto, unchanged.'),
  bad_signature: row('invalid_token', 'token signature is invalid', 'Send the token unchanged; a token from another tenant with a colliding key id fails here too.'),
  unverifiable: row('invalid_token', 'token could not be verified', 'Send an access token issued by Logto for this API.'),
  jwks_unavailable: row('jwks_unavailable', 'the key set is unavailable: retry later', 'Check that the API server can reach the JWKS (jwksUrl) of the Logto tenant.'),
  jwks_refetch_cooldown: row('jwks_unavailable', 'the key set is not refetched for this key id yet: retry later', 'Wait for the cooldown (jwksCooldown); a flood of unknown key ids is throttled.'),
  key_store_closed: row('jwks_unavailable', 'the key store is closed', 'Do not use a kit after kit.close().'),
  revoked: row('token_revoked', 'token was revoked (the user signed out): sign in again', 'Sign the user in again; the revocation came from a sign-out or kit.revoke().'),
  revocation_unavailable: row('revocation_unavailable', 'the revocation store cannot be reached: retry later', 'Check the revocation store (Redis) the kit is configured with.'),
  insufficient_scope: row('insufficient_scope', 'token lacks a required scope', 'In the Logto Console, add the permission to a role of the user (or of the M2M app) and request the scope when getting the token.'),
  empty_scope: row('insufficient_scope', 'token carries no scopes: no role of the user or app grants this API\'s permissions', 'In the Logto Console, assign the user (or the M2M app) a role holding the API\'s permissions, and request them as scopes.'),
  organization_mismatch: row('organization_mismatch', 'token does not fit the addressed organization', 'Request the token for the addressed organization (organization_id).'),
  organization_id_missing: row('organization_mismatch', 'the addressed organization id is missing or empty', 'Send the organization id the route expects.'),
  organization_required: row('organization_mismatch', 'token is not bound to an organization; request one with organization_id', 'Request the token with both the resource and organization_id.'),
  other_organization: row('organization_mismatch', 'token belongs to another organization', 'Request a token for the addressed organization.'),
  organization_unresolved: row('organization_mismatch', 'the addressed organization could not be determined', 'Check the route\'s organization resolver.'),
  policy_denied: row('policy_denied', 'denied by policy', 'See the policy that refused the request.'),
  policy_error: row('policy_error', 'a policy could not be evaluated', 'Check the policy\'s dependencies (it threw).'),
});

/**
 * The reason an `AuthError` built without one carries: the general reason of its code.
 *
 * @example
 * ```ts
 * DEFAULT_REFUSAL_REASON.invalid_audience // 'audience_mismatch'
 * ```
 */
export const DEFAULT_REFUSAL_REASON: Readonly<Record<AuthErrorCode, RefusalReason>> = Object.freeze({
  invalid_request: 'malformed_authorization',
  missing_token: 'missing_token',
  invalid_token: 'unverifiable',
  token_expired: 'expired',
  token_not_yet_valid: 'not_yet_valid',
  token_too_old: 'too_old',
  invalid_issuer: 'issuer_mismatch',
  invalid_audience: 'audience_mismatch',
  invalid_claims: 'malformed_claim',
  token_revoked: 'revoked',
  insufficient_scope: 'insufficient_scope',
  csrf_rejected: 'csrf_rejected',
  guest_not_allowed: 'guest_not_allowed',
  organization_mismatch: 'organization_mismatch',
  policy_denied: 'policy_denied',
  policy_error: 'policy_error',
  jwks_unavailable: 'jwks_unavailable',
  revocation_unavailable: 'revocation_unavailable',
});

/**
 * Whether `value` is a {@link RefusalReason}.
 *
 * @example
 * ```ts
 * isRefusalReason('opaque_token') // true
 * ```
 */
export function isRefusalReason(value: unknown): value is RefusalReason {
  return typeof value === 'string' && Object.hasOwn(REFUSAL_REASONS, value);
}
