import type { AuthContext, AuthenticatedContext } from './context.js';
import { AuthError } from './errors.js';
import { hasAnyScope, missingScopes } from './scopes.js';

/** What an operation requires of its caller. Shared by every adapter. */
export interface AuthRequirement {
  /** All of these scopes. @default [] */
  scopes?: readonly string[];
  /** At least one of these scopes. @default [] */
  anyScopes?: readonly string[];
  /** Let guests through (when they need no scopes and no organization). @default false */
  allowGuest?: boolean;
  /**
   * The organization the operation addresses (from the URL, input or
   * arguments). The token must be bound to it: `organization_id`, or an
   * organization token's audience. A client-sent id alone proves nothing.
   * @default undefined (no organization check)
   */
  organization?: string;
}

/**
 * Decide whether `auth` meets `requirement`; returns the error to throw, or
 * `undefined`. Every adapter (tRPC, GraphQL, Express, Next.js) decides through
 * this one function, so a rule reads the same everywhere.
 *
 * @example
 * ```ts
 * const error = authorize(ctx.auth, { scopes: ['write:posts'] })
 * if (error) throw error
 * ```
 */
export function authorize(auth: AuthContext<unknown>, requirement: AuthRequirement = {}): AuthError | undefined {
  const scopes = requirement.scopes ?? [];
  const anyScopes = requirement.anyScopes ?? [];
  if (auth.status === 'anonymous') return auth.error;
  if (auth.status === 'guest') {
    if (requirement.allowGuest && scopes.length === 0 && anyScopes.length === 0 && requirement.organization === undefined) return undefined;
    // A refused token explains itself better than "guests are not allowed".
    return auth.error ?? new AuthError('guest_not_allowed', 'sign-in required: guests cannot use this operation');
  }
  if (requirement.organization !== undefined) {
    const error = organizationError(auth, requirement.organization);
    if (error) return error;
  }
  return scopeError(auth, scopes, anyScopes);
}

/**
 * The `organization_mismatch` error when `auth` is not bound to `organizationId`.
 *
 * @example
 * ```ts
 * organizationError(auth, req.params.orgId) // AuthError 403, or undefined
 * ```
 */
export function organizationError(auth: AuthenticatedContext<unknown>, organizationId: unknown): AuthError | undefined {
  if (typeof organizationId !== 'string' || organizationId === '') {
    return new AuthError('organization_mismatch', 'the addressed organization id is missing or empty');
  }
  if (auth.organizationId === undefined) {
    return new AuthError('organization_mismatch', 'token is not bound to an organization; request one with organization_id');
  }
  if (auth.organizationId !== organizationId) {
    return new AuthError('organization_mismatch', 'token belongs to another organization');
  }
  return undefined;
}

/**
 * The `insufficient_scope` error for an authenticated caller, or `undefined`.
 *
 * @example
 * ```ts
 * scopeError(auth, ['read'], []) // AuthError 403 when auth lacks `read`
 * ```
 */
export function scopeError(auth: AuthenticatedContext<unknown>, scopes: readonly string[], anyScopes: readonly string[] = []): AuthError | undefined {
  const missing = missingScopes(auth.scopes, scopes);
  if (missing.length > 0) {
    return new AuthError('insufficient_scope', `missing required scope(s): ${missing.join(' ')}`, { requiredScopes: scopes });
  }
  if (!hasAnyScope(auth.scopes, anyScopes)) {
    return new AuthError('insufficient_scope', `needs one of the scopes: ${anyScopes.join(' ')}`, { requiredScopes: anyScopes });
  }
  return undefined;
}
