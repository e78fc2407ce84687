import type { AuthContext, AuthenticatedContext } from './context.js';
import { AuthError, refusal } from './errors.js';
import { REFUSAL_REASONS } from './refusal-reasons.js';
import { inheritResourceMetadata } from './resource-challenge.js';
import type { ScopeRequirement } from './requirement.js';
import { hasAnyScope, missingScopes } from './scopes.js';

/** What an operation requires of its caller. Shared by every adapter. */
export interface AuthRequirement {
  /** All of these scopes, or one of several sets in full (`[['read:a', 'read:b'], ['admin']]`). @default [] */
  scopes?: ScopeRequirement;
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
 * `undefined`. This is the synchronous part of `evaluateRequirement`, in the
 * same order: the caller (anonymous, guest), then the organization, then the scopes.
 *
 * @example
 * ```ts
 * const error = authorize(ctx.auth, { scopes: ['write:posts'] })
 * if (error) throw error
 * ```
 */
export function authorize(auth: AuthContext<unknown>, requirement: AuthRequirement = {}): AuthError | undefined {
  const { scopes, alternatives } = splitScopes(requirement.scopes ?? []);
  const anyScopes = requirement.anyScopes ?? [];
  const demands = scopes.length > 0 || alternatives.length > 0 || anyScopes.length > 0 || requirement.organization !== undefined;
  if (auth.status !== 'authenticated') return callerError(auth, requirement.allowGuest === true && !demands);
  if (requirement.organization !== undefined) {
    const error = organizationError(auth, requirement.organization);
    if (error) return error;
  }
  return requirementScopeError(auth, scopes, anyScopes, requirement.organization !== undefined, alternatives);
}

// `authorize` takes its requirement unchecked (parseRequirement validates): a list whose first entry is a list is the set form.
function splitScopes(scopes: ScopeRequirement): { scopes: readonly string[]; alternatives: readonly (readonly string[])[] } {
  if (!Array.isArray(scopes[0])) return { scopes: scopes as readonly string[], alternatives: [] };
  const sets = scopes as readonly (readonly string[])[];
  return sets.length === 1 ? { scopes: sets[0] as readonly string[], alternatives: [] } : { scopes: [], alternatives: sets };
}

/**
 * The refusal of a caller who is not authenticated: the anonymous caller's own
 * error, or for a guest `guest_not_allowed` (or the error of the token it presented)
 * unless `guestAdmitted`.
 *
 * @example
 * ```ts
 * if (auth.status !== 'authenticated') return callerError(auth, false)
 * ```
 */
export function callerError(auth: Exclude<AuthContext<unknown>, AuthenticatedContext<unknown>>, guestAdmitted: boolean): AuthError | undefined {
  if (auth.status === 'anonymous') return auth.error;
  if (guestAdmitted) return undefined;
  // A refused token explains itself better than "guests are not allowed".
  return auth.error ?? inheritResourceMetadata(auth, new AuthError('guest_not_allowed', 'sign-in required: guests cannot use this operation'));
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
    return refusal('organization_id_missing');
  }
  if (auth.organizationId === undefined) {
    return refusal('organization_required');
  }
  if (auth.organizationId !== organizationId) {
    return refusal('other_organization');
  }
  return undefined;
}

/**
 * The `insufficient_scope` error for an authenticated caller, or `undefined`.
 * It compares `auth.scopes` as they are; requirements go through `authorize`
 * or `evaluateRequirement`, which also apply the organization-token rule.
 *
 * @example
 * ```ts
 * scopeError(auth, ['read'], []) // AuthError 403 when auth lacks `read`
 * ```
 */
export function scopeError(auth: AuthenticatedContext<unknown>, scopes: readonly string[], anyScopes: readonly string[] = []): AuthError | undefined {
  return inheritResourceMetadata(auth, grantedScopeError(auth.scopes, scopes, anyScopes, ''));
}

/**
 * The scope step of a requirement. An organization token's `scope` lists
 * organization permissions, not permissions on this API: they count only where
 * the requirement names the organization (which the token was checked against first).
 *
 * @example
 * ```ts
 * requirementScopeError(auth, ['admin'], [], false) // 403 for an organization token even when it holds `admin`
 * ```
 */
export function requirementScopeError(
  auth: AuthenticatedContext<unknown>,
  scopes: readonly string[],
  anyScopes: readonly string[],
  namesOrganization: boolean,
  alternatives: readonly (readonly string[])[] = [],
): AuthError | undefined {
  // RFC 9728 §5.1: a 403 challenge may name the metadata document too; it carries the kit's mark.
  if (!auth.isOrganizationToken || namesOrganization) return inheritResourceMetadata(auth, grantedScopeError(auth.scopes, scopes, anyScopes, '', alternatives));
  return inheritResourceMetadata(auth, grantedScopeError([], scopes, anyScopes, ' (an organization token grants scopes only where its organization is addressed)', alternatives));
}

// The set a caller is closest to holding (fewest missing, the first on a tie): the one worth asking for.
function closestSet(granted: readonly string[], alternatives: readonly (readonly string[])[]): readonly string[] {
  let best: readonly string[] = [];
  let fewest = Infinity;
  for (const set of alternatives) {
    const missing = missingScopes(granted, set).length;
    if (missing < fewest) [best, fewest] = [set, missing];
  }
  return best;
}

function grantedScopeError(granted: readonly string[], scopes: readonly string[], anyScopes: readonly string[], note: string, alternatives: readonly (readonly string[])[] = []): AuthError | undefined {
  const error = allOfError(granted, scopes, anyScopes, note);
  if (error || alternatives.length === 0 || alternatives.some((set) => missingScopes(granted, set).length === 0)) return error;
  // RFC 6750 §3's `scope=` is one list the token needs: the closest set is sufficient and asks for no more than it must.
  const closest = closestSet(granted, alternatives);
  const missing = missingScopes(granted, closest);
  const sets = alternatives.map((set) => `(${set.join(' ')})`).join(' or ');
  if (granted.length === 0 && note === '') return refusal('empty_scope', { message: `${REFUSAL_REASONS.empty_scope.description} (required: one of ${sets})`, requiredScopes: closest });
  return new AuthError('insufficient_scope', `needs all scopes of one of ${sets}; closest: missing ${missing.join(' ')}${note}`, { requiredScopes: closest });
}

function allOfError(granted: readonly string[], scopes: readonly string[], anyScopes: readonly string[], note: string): AuthError | undefined {
  const missing = missingScopes(granted, scopes);
  if (missing.length > 0) {
    // Logto drops `scope` when no role grants any of the API's permissions: a Console fix, named as such.
    if (granted.length === 0 && note === '') return refusal('empty_scope', { message: `${REFUSAL_REASONS.empty_scope.description} (required: ${missing.join(' ')})`, requiredScopes: scopes });
    return new AuthError('insufficient_scope', `missing required scope(s): ${missing.join(' ')}${note}`, { requiredScopes: scopes });
  }
  if (!hasAnyScope(granted, anyScopes)) {
    return new AuthError('insufficient_scope', `needs one of the scopes: ${anyScopes.join(' ')}${note}`, { requiredScopes: anyScopes });
  }
  return undefined;
}
