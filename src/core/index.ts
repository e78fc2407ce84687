export { createAuthKit, type AuthKit, type VerifiedToken } from './kit.js';
export { whenAuthenticated } from './authenticate-request.js';
export { verifyAuth, kitFor } from './verify-auth.js';
export type { AuthContext, AuthenticatedContext, GuestContext, AnonymousContext } from './context.js';
export {
  AuthError,
  AUTH_ERROR_TABLE,
  describeAuthError,
  isAuthError,
  refusal,
  type AuthErrorCode,
  type AuthErrorMeaning,
  type AuthErrorStatus,
  type AuthErrorOptions,
  type AuthGraphQLCode,
  type AuthTRPCCode,
} from './errors.js';
export { configurationWarnings, logtoUrlProblem, warnOnce, type AuthKitWarning, type AuthKitWarningCode, type ConfigurationFacts } from './config-diagnostics.js';
export type { RefusalReport, RefusedTokenFacts } from './refusal-report.js';
export { REFUSAL_REASONS, DEFAULT_REFUSAL_REASON, isRefusalReason, type RefusalReason, type RefusalReasonInfo } from './refusal-reasons.js';
export { AuthKitOptionsError, SUPPORTED_ALGORITHMS, type AuthKitOptions, type ClaimsSchema, type NormalizedOptions, type TokenSource } from './options.js';
export { buildAuthCookieHeader, buildGuestCookieHeader, type AuthCookieOptions } from './set-cookie.js';
export { toRequestView, type AuthInput, type NodeRequestLike, type PlainRequestLike, type RequestView } from './request.js';
export { parseScopes, missingScopes, hasAnyScope } from './scopes.js';
export { ORGANIZATION_AUDIENCE_PREFIX } from './claims.js';
export type { GetKeyOptions, JWKSStore, JWKSStoreState, JWKSStoreStatus, KeySetFreshness, ResolvedKey } from './jwks.js';
export { JWKSFetchError, type JWKSFetchFailure } from './jwks-fetch.js';
export { organizationSubject, type Revocation, type RevocationStore } from './revocation-store.js';
export { authorize, scopeError, organizationError, type AuthRequirement } from './authorize.js';
export { definePolicy, isPolicy, policyError, type Policy } from './policies.js';
export { createPolicyMemo, type PolicyMemo, type PolicyMemoOptions } from './policy-memo.js';
export { parseRequirement, REQUIREMENT_KEYS, type ParseRequirementOptions, type Requirement, type RequirementResolver, type ScopeRequirement } from './requirement.js';
export { evaluateRequirement, type RequirementOperation, type RequirementOutcome } from './evaluate-requirement.js';
export { authErrorResponse, authErrorToResponse, type AuthErrorResponse } from './error-response.js';
export { resolveKit, type KitOrOptions } from './resolve-kit.js';
export { createConnectionAuthContext, upgradeRequestInput, type ConnectionCredentials } from './connection-credentials.js';
export { createLiveAuthorization, liveExpiryError, type LiveAuthorization, type LiveAuthorizationSource } from './live-authorization.js';
export { untilAuthorizationEnds, type UntilAuthorizationEndsOptions } from './live-stream.js';
export type { AuthKitEvent, AuthKitEventType, JWKSFetchEvent, RefetchRefusal, VerificationEvent } from './events.js';
export type { AuthKitStats } from './kit-stats.js';
export { protectedResourceMetadata, type MetadataAnswer, type MetadataNodeResponse, type ProtectedResourceMetadata } from './protected-resource.js';
export type { ProtectedResourceMetadataDocument, ProtectedResourceMetadataOptions } from './protected-resource-options.js';
export { protectedResourceMetadataPath, protectedResourceMetadataUrl, resourceUrlProblem, PROTECTED_RESOURCE_WELL_KNOWN } from './resource-url.js';
