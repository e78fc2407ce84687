/**
 * The scope loaders behind `pothosAuthScopes`. Every decision is the core's `evaluateRequirement`
 * (caller, organization, scopes, policy, in that order), so a Pothos field refuses exactly what
 * `@auth`, tRPC's `requireAuth` and Express's `requireAuth` refuse. No Pothos import: the loaders
 * are plain functions of the shape `@pothos/plugin-scope-auth` calls (`(param) => boolean | Promise<boolean>`).
 */
import { createPolicyMemo, evaluateRequirement, parseRequirement, type AuthContext, type AuthError, type Policy } from 'logto-authkit';
import { toGraphQLError } from 'logto-authkit/graphql';

/**
 * An organization the token must be bound to: its id, or its id and the organization permissions it needs.
 *
 * @example
 * ```ts
 * const scope: LogtoOrganizationScope = { id: 'org-a', scopes: ['invite:member'] }
 * ```
 */
export type LogtoOrganizationScope = string | { id: string; scopes?: readonly string[] };

/**
 * A `definePolicy` policy, or one with the arguments it gets (from a field's `authScopes` function).
 *
 * @example
 * ```ts
 * authScopes: (_root, args) => ({ policy: { policy: isOwner, args: { id: String(args.id) } } })
 * ```
 */
export type LogtoPolicyScope = Policy<never, never> | { policy: Policy<never, never>; args?: unknown };

/**
 * The scopes `pothosAuthScopes` provides, for `SchemaBuilder<{ AuthScopes: LogtoAuthScopes }>`;
 * each key's type is the parameter a field gives it.
 *
 * @example
 * ```ts
 * const builder = new SchemaBuilder<{ Context: LogtoAuthContext; AuthScopes: LogtoAuthScopes }>({ plugins: [ScopeAuthPlugin], scopeAuth: { authScopes: (ctx) => pothosAuthScopes(ctx.auth, ctx) } })
 * ```
 */
export interface LogtoAuthScopes {
  /** `authenticated: true`: a signed-in caller (guests and anonymous callers are refused). */
  authenticated: boolean;
  /** `scope: 'read:posts'`: the token holds this scope. */
  scope: string;
  /** `anyScope: ['admin', 'write:posts']`: the token holds at least one of these. */
  anyScope: readonly string[];
  /** `organization: 'org-a'` or `{ id: 'org-a', scopes: ['invite:member'] }`: the token is bound to the organization (and holds its permissions). */
  organization: LogtoOrganizationScope;
  /** `policy: isOwner`, or `{ policy: isOwner, args }`: the policy admits the caller. */
  policy: LogtoPolicyScope;
}

/**
 * The scope map `pothosAuthScopes` returns: what `authScopes` of the scope-auth plugin expects.
 *
 * @example
 * ```ts
 * const scopes: LogtoAuthScopeLoaders = pothosAuthScopes(ctx.auth, ctx)
 * scopes.scope('read:posts') // true when the token holds it
 * ```
 */
export interface LogtoAuthScopeLoaders {
  authenticated: boolean;
  scope: (scope: string) => boolean;
  anyScope: (scopes: readonly string[]) => boolean;
  organization: (organization: LogtoOrganizationScope) => boolean;
  policy: (policy: LogtoPolicyScope) => Promise<boolean>;
}

const OPTIONS = { entry: 'logto-authkit/pothos', name: 'authScopes' };

// `policy: isOwner` or `policy: { policy: isOwner, args }`: a Policy has a `check` function.
const isBarePolicy = (param: unknown): boolean => typeof param === 'object' && param !== null && typeof (param as { check?: unknown }).check === 'function';
const field = (param: unknown, key: string): unknown => (typeof param === 'object' && param !== null ? (param as Record<string, unknown>)[key] : undefined);

/** The core requirement of one scope and its parameter; shared with the error translation. */
export function requirementOf(scope: string, param: unknown): Record<string, unknown> | undefined {
  switch (scope) {
    case 'authenticated':
      return {};
    case 'scope':
      return { scopes: [param] };
    case 'anyScope':
      return { anyScopes: param };
    case 'organization':
      if (typeof param !== 'object' || param === null) return { organization: param };
      return { organization: field(param, 'id'), ...(field(param, 'scopes') !== undefined ? { scopes: field(param, 'scopes') } : {}) };
    case 'policy':
      return { policy: isBarePolicy(param) ? param : field(param, 'policy') };
    default:
      return undefined;
  }
}

/**
 * Build the scope-auth plugin's scope map from the caller's `AuthContext`. `context` is what a
 * policy receives as `ctx` (the GraphQL context); policy results are kept for this request only.
 * A policy that throws rejects with a `policy_error` GraphQL error (500): an outage is never "forbidden".
 *
 * @throws TypeError (from a loader, at the field) for a parameter that is not a valid requirement, e.g. `scope: 'a b'`.
 * @example
 * ```ts
 * scopeAuth: { authScopes: (ctx) => pothosAuthScopes(ctx.auth, ctx), unauthorizedError: pothosUnauthorizedError }
 * ```
 */
export function pothosAuthScopes(auth: AuthContext<unknown>, context?: unknown): LogtoAuthScopeLoaders {
  const memo = createPolicyMemo();
  const refusal = (scope: string, param: unknown): AuthError | undefined | Promise<AuthError | undefined> => {
    const requirement = parseRequirement(requirementOf(scope, param), OPTIONS);
    const args = scope === 'policy' && !isBarePolicy(param) ? field(param, 'args') : undefined;
    return evaluateRequirement(auth, requirement, { context, args: () => args, memo });
  };
  return {
    authenticated: auth.status === 'authenticated',
    scope: (scope) => refusal('scope', scope) === undefined,
    anyScope: (scopes) => refusal('anyScope', scopes) === undefined,
    organization: (organization) => refusal('organization', organization) === undefined,
    async policy(policy) {
      const error = await refusal('policy', policy);
      // A rule that threw is a server fault: rejecting surfaces it as a 500 instead of a refusal.
      if (error?.code === 'policy_error') throw toGraphQLError(error, auth);
      return error === undefined;
    },
  };
}
