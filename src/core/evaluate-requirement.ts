import { callerError, organizationError, requirementScopeError } from './authorize.js';
import type { AuthContext, AuthenticatedContext } from './context.js';
import { refusal, type AuthError } from './errors.js';
import { policyError, type Policy } from './policies.js';
import { createPolicyMemo, type PolicyMemo } from './policy-memo.js';
import type { Requirement, RequirementResolver } from './requirement.js';
import { isThenable } from './thenable.js';

/** What an adapter knows about the operation being decided. */
export interface RequirementOperation<TResolver extends RequirementResolver = RequirementResolver> {
  /** Call the requirement's organization resolver with what the adapter has (a request, a tRPC input). @default calls it with no arguments */
  resolveOrganization?: (resolver: TResolver) => unknown;
  /** The policy's `ctx`. @default undefined */
  context?: unknown;
  /** The policy's `args`, read only when a policy runs. @default undefined */
  args?: () => unknown;
  /** The operation's policy results. @default a memo for this evaluation alone */
  memo?: PolicyMemo;
}

/** The verdict: the error to answer with, or `undefined` to let the operation run. */
export type RequirementOutcome = AuthError | undefined;

// A resolver that cannot tell the organization (bad input, a failed lookup) must refuse, never fall through.
const unresolved = (cause: unknown): AuthError => refusal('organization_unresolved', { cause });

/**
 * Decide whether `auth` meets `requirement`, in one order for every adapter:
 *
 * 1. **the caller**: anonymous → its own error (401); a guest passes only with
 *    `allowGuest` and nothing else required, else `guest_not_allowed` (401);
 * 2. **the organization** the operation addresses → `organization_mismatch` (403);
 *    "wrong tenant" tells more than "missing scope", and an organization token's
 *    scopes only mean something once its organization is the addressed one;
 * 3. **the scopes** (all of `scopes` or all of one of its sets, one of `anyScopes`) → `insufficient_scope` (403);
 * 4. **the policy**, last because it is the only step that may cost a lookup →
 *    `policy_denied` (403), or `policy_error` (500, cause kept) when the rule throws.
 *
 * Synchronous unless a resolver or a policy is asynchronous.
 *
 * @example
 * ```ts
 * const requirement = parseRequirement({ scopes: ['write:posts'], policy: isOwner }, { entry: 'my-adapter', name: 'guard' })
 * const error = await evaluateRequirement(auth, requirement, { context: req, args: () => req.params, memo: createPolicyMemo() })
 * ```
 */
export function evaluateRequirement<TResolver extends RequirementResolver>(
  auth: AuthContext<unknown>,
  requirement: Requirement<TResolver>,
  operation: RequirementOperation<TResolver> = {},
): RequirementOutcome | Promise<RequirementOutcome> {
  const { organization } = requirement;
  if (auth.status !== 'authenticated') {
    const demands = requirement.scopes.length > 0 || requirement.scopeAlternatives.length > 0 || requirement.anyScopes.length > 0 || organization !== undefined || requirement.policy !== undefined;
    return callerError(auth, requirement.allowGuest && !demands);
  }
  if (organization === undefined) return afterOrganization(auth, requirement, operation);
  let addressed: unknown;
  try {
    addressed = typeof organization === 'string' ? organization : operation.resolveOrganization ? operation.resolveOrganization(organization) : (organization as () => unknown)();
  } catch (cause) {
    return unresolved(cause);
  }
  if (isThenable(addressed)) {
    return Promise.resolve(addressed).then(
      (id) => organizationError(auth, id) ?? afterOrganization(auth, requirement, operation),
      unresolved,
    );
  }
  return organizationError(auth, addressed) ?? afterOrganization(auth, requirement, operation);
}

function afterOrganization<TResolver extends RequirementResolver>(
  auth: AuthenticatedContext<unknown>,
  requirement: Requirement<TResolver>,
  operation: RequirementOperation<TResolver>,
): RequirementOutcome | Promise<RequirementOutcome> {
  const error = requirementScopeError(auth, requirement.scopes, requirement.anyScopes, requirement.organization !== undefined, requirement.scopeAlternatives);
  if (error || !requirement.policy) return error;
  return runPolicy(requirement.policy as Policy<unknown, unknown>, auth, operation);
}

// A failure to read the arguments (a tRPC input that does not parse) is the adapter's own error: it propagates.
async function runPolicy<TResolver extends RequirementResolver>(policy: Policy<unknown, unknown>, auth: AuthenticatedContext<unknown>, operation: RequirementOperation<TResolver>): Promise<RequirementOutcome> {
  const args = await operation.args?.();
  return policyError(policy, auth, operation.context, args, operation.memo ?? createPolicyMemo());
}
