import { defaultFieldResolver, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Policy } from 'logto-authkit';
import { createRuleComposer } from './directive-compose.js';
import { assertFederationDirectives } from './directive-federation.js';
import { assertAuthDirective, indexPolicies } from './directive-rules.js';
import { guardResolver } from './guard.js';
import { markTransformed } from './schema-mark.js';

/**
 * SDL of the `@auth` directive; add it to your `typeDefs`.
 *
 * @example
 * ```ts
 * const schema = createSchema({ typeDefs: [authDirectiveTypeDefs, 'type Query { me: String @auth }'], resolvers })
 * ```
 */
export const authDirectiveTypeDefs =
  'directive @auth(scope: String, scopes: [String!], anyScopes: [String!], allowGuest: Boolean = false, policy: String, organizationArg: String) on OBJECT | FIELD_DEFINITION | INTERFACE';

/** Options of {@link authDirectiveTransformer}. */
export interface AuthDirectiveOptions {
  /** Policies that `@auth(policy: "name")` and `@policy(policies: [["name"]])` may name (from `definePolicy`). @default [] */
  policies?: readonly Policy<never, never>[];
}

/**
 * Enforce `@auth`, and Apollo Federation's `@authenticated`, `@requiresScopes(scopes: [[…]])` and
 * `@policy(policies: [[…]])` (each an OR of ANDs; see `federationAuthDirectiveTypeDefs`), on a schema: wraps the resolvers of marked fields, of every
 * field of a marked type, and of every field that *returns* a marked type
 * (so `{ me { __typename } }` never runs `me` for a refused caller).
 * Subscription fields are checked at `subscribe` and on each event.
 *
 * Rules compose by AND, never by replacement: a field needs its own `@auth`,
 * its type's, the type rule of each interface its type implements (which so
 * also guards fields only the implementation declares), each such interface's
 * `@auth` on the same field, and the rules of the type it returns; a field
 * returning a union or an interface needs the type rules of every possible
 * member, since which one resolves is known only after its resolver ran.
 * Nothing relaxes silently: a field's `allowGuest: true` (its own, or an
 * interface's for it) composed with a rule that needs a signed-in caller is a
 * `TypeError` naming both places; to serve a field more widely than its type,
 * move it to a type whose rules allow that. A type-level `allowGuest: true` is
 * a default that stricter rules narrow (guests then need those rules too).
 *
 * A refused field resolves to `null` with an error at its path; a refused
 * NON-NULL field makes its parent `null` too, as GraphQL's null propagation requires.
 *
 * Everything that cannot be enforced fails here, at start-up: a missing or
 * mistyped `@auth` declaration, an argument of the wrong type, `scopes: []`,
 * an unknown policy, an `organizationArg` the field does not have, a rule
 * that would relax another. The result is marked, so `useLogtoAuth` can refuse
 * a schema that uses `@auth` without this transformer.
 *
 * @example
 * ```ts
 * const isOwner = definePolicy('isOwner', (auth, _ctx, args: { id?: string }) => auth.userId === args.id)
 * const schema = authDirectiveTransformer(makeExecutableSchema({ typeDefs, resolvers }), { policies: [isOwner] })
 * ```
 */
export function authDirectiveTransformer(schema: GraphQLSchema, options: AuthDirectiveOptions = {}): GraphQLSchema {
  // Both checks run: each declared directive must be declared as documented.
  const declaresAuth = assertAuthDirective(schema);
  if (!assertFederationDirectives(schema) && !declaresAuth) {
    throw new TypeError('logto-authkit: the schema has no @auth directive: add authDirectiveTypeDefs (or federationAuthDirectiveTypeDefs) to typeDefs');
  }
  // Policy<never, never> accepts any definePolicy() result; the guard passes the real context and args.
  const policies = indexPolicies((options.policies ?? []) as readonly Policy[]);
  const composer = createRuleComposer(schema, policies);

  const transformed = mapSchema(schema, {
    [MapperKind.COMPOSITE_FIELD]: (config, fieldName, typeName) => {
      const type = schema.getType(typeName);
      if (!isObjectType(type) && !isInterfaceType(type)) return config;
      const rules = composer.rulesFor(type, fieldName, config);
      if (rules.length === 0) return config;
      for (const rule of rules) {
        if (rule.organizationArg !== undefined && !(config.args && rule.organizationArg in config.args)) {
          throw new TypeError(`logto-authkit: @auth(organizationArg: "${rule.organizationArg}") from ${rule.where} applies to ${typeName}.${fieldName}, which has no argument "${rule.organizationArg}"`);
        }
      }
      return {
        ...config,
        resolve: guardResolver(config.resolve ?? defaultFieldResolver, rules),
        ...(config.subscribe ? { subscribe: guardResolver(config.subscribe, rules) } : {}),
      };
    },
  });
  return markTransformed(transformed);
}
