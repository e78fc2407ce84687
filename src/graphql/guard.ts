import { responsePathAsArray, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { AuthError, authorize, organizationError, policyError, type AuthContext } from 'logto-authkit';
import type { AuthRule } from './directive-rules.js';
import { reportDenial, toGraphQLError, type AuthGraphQLError } from './errors.js';

type Args = Record<string, unknown>;
type Outcome = AuthError | undefined;

const isAuthContext = (value: unknown): value is AuthContext<unknown> =>
  typeof value === 'object' && value !== null && 'status' in value && (value.status === 'authenticated' || value.status === 'guest' || value.status === 'anonymous');

function authOf(context: unknown): AuthContext<unknown> {
  const auth = typeof context === 'object' && context !== null ? (context as { auth?: unknown }).auth : undefined;
  // A missing plugin is a wiring bug; refusing loudly beats a silent allow or a misleading 401.
  if (!isAuthContext(auth)) throw new Error('logto-authkit: context.auth is missing; add useLogtoAuth(kit) to the Yoga plugins');
  return auth;
}

const signInRequired = (auth: AuthContext<unknown>): AuthError =>
  auth.error ?? new AuthError('guest_not_allowed', 'sign-in required: guests cannot use this field');

function evaluate(rule: AuthRule, auth: AuthContext<unknown>, args: Args, context: unknown): Outcome | Promise<Outcome> {
  const error = authorize(auth, rule);
  if (error) return error;
  if (!rule.policy && rule.organizationArg === undefined) return undefined;
  if (auth.status !== 'authenticated') return signInRequired(auth);
  if (rule.organizationArg !== undefined) {
    const error = organizationError(auth, args[rule.organizationArg]);
    if (error) return error;
  }
  return rule.policy ? policyError(rule.policy, auth, context, args) : undefined;
}

function deny(error: AuthError, rule: AuthRule, auth: AuthContext<unknown>, context: unknown, info: GraphQLResolveInfo): AuthGraphQLError {
  const path = responsePathAsArray(info.path);
  reportDenial(context, { path, code: error.code, required: [...rule.scopes, ...rule.anyScopes], had: auth.scopes, userId: auth.userId });
  return toGraphQLError(error, auth, { nodes: info.fieldNodes, path });
}

// Synchronous unless a policy runs: most guarded fields cost no extra promise.
function check(rules: readonly AuthRule[], from: number, args: Args, context: unknown, info: GraphQLResolveInfo): AuthGraphQLError | undefined | Promise<AuthGraphQLError | undefined> {
  const auth = authOf(context);
  for (let i = from; i < rules.length; i++) {
    const rule = rules[i] as AuthRule;
    const outcome = evaluate(rule, auth, args, context);
    if (outcome instanceof Promise) {
      return outcome.then((error) => (error ? deny(error, rule, auth, context, info) : check(rules, i + 1, args, context, info)));
    }
    if (outcome) return deny(outcome, rule, auth, context, info);
  }
  return undefined;
}

/**
 * Wrap a resolver (or a subscription's `subscribe`) so that it runs only when
 * every rule admits the caller; otherwise the field resolves to `null` with an
 * `AuthGraphQLError` at its path and the wrapped function is never called.
 */
export function guardResolver<TSource, TContext>(resolve: GraphQLFieldResolver<TSource, TContext>, rules: readonly AuthRule[]): GraphQLFieldResolver<TSource, TContext> {
  return (source, args: Args, context, info) => {
    const outcome = check(rules, 0, args, context, info);
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
