/**
 * Pothos's `unauthorizedError` hook, answering with the same GraphQL errors as `@auth`
 * (`UNAUTHENTICATED` / `FORBIDDEN` / `SERVICE_UNAVAILABLE`, `extensions.http.status`), so that
 * `useLogtoAuth` and `createApolloAuthPlugin` give the HTTP response its 401/403/503.
 */
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { AuthError, authorize, type AuthContext } from 'logto-authkit';
import { findAuthGraphQLError, toGraphQLError, type AuthGraphQLError } from 'logto-authkit/graphql';
import { requirementOf } from './scopes.js';

/**
 * The part of scope-auth's failure tree this reads (structural: no Pothos import).
 *
 * @example
 * ```ts
 * const failure: PothosAuthFailure = { kind: 'AuthScope', scope: 'scope', parameter: 'read:posts', error: null }
 * ```
 */
export interface PothosAuthFailure {
  kind: string;
  scope?: string;
  parameter?: unknown;
  error?: Error | null;
  failures?: readonly PothosAuthFailure[];
}

// The first failed scope, depth first: for `$any`, each one failed; the first is the one the field lists first.
function firstLeaf(failure: PothosAuthFailure): PothosAuthFailure {
  const child = failure.failures?.[0];
  return child ? firstLeaf(child) : failure;
}

function refusalOf(auth: AuthContext<unknown>, leaf: PothosAuthFailure, message: string): AuthError {
  // An anonymous caller or a guest is told why it is not signed in, whatever scope it failed (401, or 503 for an outage).
  if (auth.status !== 'authenticated') return authorize(auth) ?? new AuthError('guest_not_allowed', 'sign-in required: guests cannot use this field');
  const requirement = leaf.kind === 'AuthScope' && leaf.scope ? requirementOf(leaf.scope, leaf.parameter) : undefined;
  if (requirement && leaf.scope === 'policy') return new AuthError('policy_denied', `denied by policy "${String((requirement.policy as { name?: unknown } | undefined)?.name)}"`);
  if (requirement && !('policy' in requirement)) {
    const error = authorize(auth, requirement);
    if (error) return error;
  }
  // The application's own scopes (and `$granted`) are rules like policies: their refusal is a policy's.
  return new AuthError('policy_denied', message);
}

/**
 * The `unauthorizedError` of `@pothos/plugin-scope-auth`: turns a failed scope map into the
 * `AuthGraphQLError` that `@auth` would answer, at the field's path. Reads `context.auth`.
 *
 * @example
 * ```ts
 * new SchemaBuilder<{ Context: LogtoAuthContext; AuthScopes: LogtoAuthScopes }>({
 *   plugins: [ScopeAuthPlugin],
 *   scopeAuth: { authScopes: (ctx) => pothosAuthScopes(ctx.auth, ctx), unauthorizedError: pothosUnauthorizedError },
 * })
 * ```
 */
export function pothosUnauthorizedError(_parent: unknown, context: unknown, info: GraphQLResolveInfo, result: { message: string; failure: PothosAuthFailure }): AuthGraphQLError {
  const auth = (context as { auth?: AuthContext<unknown> } | null)?.auth;
  if (!auth) throw new Error('logto-authkit: context.auth is missing; build the context with useLogtoAuth(kit) or createApolloContext(kit)');
  const leaf = firstLeaf(result.failure);
  const location = { nodes: info.fieldNodes, path: responsePathAsArray(info.path) };
  // With `treatErrorsAsUnauthorized`, a loader's own error (a policy that threw) arrives here: keep its meaning.
  const thrown = findAuthGraphQLError(leaf.error);
  if (thrown) return toGraphQLError(thrown.authError, auth, location);
  return toGraphQLError(refusalOf(auth, leaf, result.message), auth, location);
}
