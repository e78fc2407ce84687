/**
 * The resolver wrapper behind `@auth`. Every decision is the core's
 * `evaluateRequirement` (caller, organization, scopes, policy, in that order);
 * this file reads the field's arguments, scopes policy results to one
 * operation execution or one subscription event, and turns a refusal into a
 * GraphQL error at the field's path.
 */
import { responsePathAsArray, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { createPolicyMemo, evaluateRequirement, parseRequirement, type AuthContext, type AuthError, type PolicyMemo, type Requirement, type RequirementOperation } from 'logto-authkit';
import type { AuthRule } from './directive-rules.js';
import { reportDenial, toGraphQLError, type AuthGraphQLError } from './errors.js';

type Args = Record<string, unknown>;
type ArgumentResolver = (args: Args) => unknown;
interface Guard {
  rule: AuthRule;
  requirement: Requirement<ArgumentResolver>;
  /** Whether an organization argument or a policy reads the field's arguments (else nothing is built per field). */
  readsArgs: boolean;
}

// The operation of a rule that reads nothing of the field (no organizationArg, no policy).
const NOTHING_READ: RequirementOperation<ArgumentResolver> = Object.freeze({});

const isAuthContext = (value: unknown): value is AuthContext<unknown> =>
  typeof value === 'object' && value !== null && 'status' in value && (value.status === 'authenticated' || value.status === 'guest' || value.status === 'anonymous');

function authOf(context: unknown): AuthContext<unknown> {
  const auth = typeof context === 'object' && context !== null ? (context as { auth?: unknown }).auth : undefined;
  // A missing plugin is a wiring bug; refusing loudly beats a silent allow or a misleading 401.
  if (!isAuthContext(auth)) throw new Error('logto-authkit: context.auth is missing; add useLogtoAuth(kit) to the Yoga plugins');
  return auth;
}

// Read once, when the schema is built: the core parser holds @auth to the same rules as every adapter.
function toGuard(rule: AuthRule): Guard {
  const argument = rule.organizationArg;
  const requirement = parseRequirement<ArgumentResolver>(
    {
      scopes: rule.scopeAlternatives.length > 0 ? rule.scopeAlternatives : rule.scopes,
      anyScopes: rule.anyScopes,
      allowGuest: rule.allowGuest,
      ...(rule.policy ? { policy: rule.policy } : {}),
      ...(argument !== undefined ? { organization: (args: Args) => args[argument] } : {}),
    },
    { entry: 'logto-authkit/graphql', name: `${rule.directive} on ${rule.where}` },
  );
  return { rule, requirement, readsArgs: requirement.organization !== undefined || requirement.policy !== undefined };
}

// The object that stands for one execution. A query's fields share the operation's: graphql-js and
// @graphql-tools/executor coerce `variableValues` anew for every execution. A subscription re-executes
// its selection for each event with the same context and variables, and a mutation's fields run one after
// another, each able to change what a policy reads: there the root response path, which each execution
// builds anew, scopes the results to one event or one mutation field.
function executionOf(info: GraphQLResolveInfo): object | undefined {
  if (info.operation.operation === 'query') return typeof info.variableValues === 'object' && info.variableValues !== null ? info.variableValues : undefined;
  let path = info.path;
  while (path.prev) path = path.prev;
  return path;
}

const memos = new WeakMap<object, PolicyMemo>();
function memoOf(info: GraphQLResolveInfo): PolicyMemo {
  const execution = executionOf(info);
  if (!execution) return createPolicyMemo();
  let memo = memos.get(execution);
  if (!memo) memos.set(execution, (memo = createPolicyMemo()));
  return memo;
}

function deny(error: AuthError, rule: AuthRule, auth: AuthContext<unknown>, context: unknown, info: GraphQLResolveInfo): AuthGraphQLError {
  const path = responsePathAsArray(info.path);
  reportDenial(context, { path, code: error.code, required: [...new Set([...rule.scopes, ...rule.scopeAlternatives.flat(), ...rule.anyScopes])], had: auth.scopes, userId: auth.userId });
  return toGraphQLError(error, auth, { nodes: info.fieldNodes, path });
}

// Synchronous unless a policy runs: most guarded fields cost no extra promise.
function check(guards: readonly Guard[], from: number, args: Args, context: unknown, info: GraphQLResolveInfo): AuthGraphQLError | undefined | Promise<AuthGraphQLError | undefined> {
  const auth = authOf(context);
  for (let i = from; i < guards.length; i++) {
    const { rule, requirement, readsArgs } = guards[i] as Guard;
    const outcome = readsArgs
      ? evaluateRequirement(auth, requirement, {
          resolveOrganization: (resolve) => resolve(args),
          context,
          args: () => args,
          ...(requirement.policy ? { memo: memoOf(info) } : {}),
        })
      : evaluateRequirement(auth, requirement, NOTHING_READ);
    if (outcome instanceof Promise) {
      return outcome.then((error) => (error ? deny(error, rule, auth, context, info) : check(guards, i + 1, args, context, info)));
    }
    if (outcome) return deny(outcome, rule, auth, context, info);
  }
  return undefined;
}

/**
 * Wrap a resolver (or a subscription's `subscribe`) so that it runs only when
 * every rule admits the caller; otherwise the field resolves to `null` with an
 * `AuthGraphQLError` at its path and the wrapped function is never called.
 * Policy results are kept for one operation execution (one subscription event,
 * one mutation field), never across events of a subscription.
 *
 * @throws TypeError when a rule cannot be enforced (e.g. `organizationArg` with `allowGuest`).
 */
export function guardResolver<TSource, TContext>(resolve: GraphQLFieldResolver<TSource, TContext>, rules: readonly AuthRule[]): GraphQLFieldResolver<TSource, TContext> {
  const guards = rules.map(toGuard);
  return (source, args: Args, context, info) => {
    const outcome = check(guards, 0, args, context, info);
    if (outcome === undefined) return resolve(source, args, context, info);
    if (outcome instanceof Promise) {
      return outcome.then((error) => {
        if (error) throw error;
        return resolve(source, args, context, info);
      });
    }
    throw outcome;
  };
}
