import {
  defaultFieldResolver,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLFieldConfig,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Policy } from 'logto-authkit';
import { assertAuthDirective, indexPolicies, readAuthRule, type AuthRule } from './directive-rules.js';
import { guardResolver } from './guard.js';

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
  /** Policies that `@auth(policy: "name")` may name (from `definePolicy`). @default [] */
  policies?: readonly Policy<never, never>[];
}

type Composite = GraphQLObjectType | GraphQLInterfaceType;

/**
 * Enforce `@auth` on a schema: wraps the resolvers of marked fields, of every
 * field of a marked type, and of every field that *returns* a marked type
 * (so `{ me { __typename } }` never runs `me` for a refused caller). A field's
 * own `@auth` replaces its type's; an interface's `@auth` covers the fields
 * its implementations share with it. Subscription fields are checked at
 * `subscribe` and on each event.
 *
 * A refused field resolves to `null` with an error at its path; a refused
 * NON-NULL field makes its parent `null` too, as GraphQL's null propagation requires.
 *
 * Everything that cannot be enforced fails here, at start-up: a missing or
 * mistyped `@auth` declaration, an argument of the wrong type, `scopes: []`,
 * an unknown policy, an `organizationArg` the field does not have.
 *
 * @example
 * ```ts
 * const isOwner = definePolicy('isOwner', (auth, _ctx, args: { id?: string }) => auth.userId === args.id)
 * const schema = authDirectiveTransformer(makeExecutableSchema({ typeDefs, resolvers }), { policies: [isOwner] })
 * ```
 */
export function authDirectiveTransformer(schema: GraphQLSchema, options: AuthDirectiveOptions = {}): GraphQLSchema {
  assertAuthDirective(schema);
  // Policy<never, never> accepts any definePolicy() result; the guard passes the real context and args.
  const policies = indexPolicies((options.policies ?? []) as readonly Policy[]);
  const typeRules = new Map<string, AuthRule>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const rule = readAuthRule(schema, type, `type ${type.name}`, policies);
    if (rule) typeRules.set(type.name, rule);
  }

  // Field's own @auth, else its type's, else what the interfaces declaring it say.
  const placementRules = (type: Composite, fieldName: string, config: GraphQLFieldConfig<unknown, unknown>): AuthRule[] => {
    const own = readAuthRule(schema, config, `${type.name}.${fieldName}`, policies);
    if (own) return [own];
    const typeRule = typeRules.get(type.name);
    if (typeRule) return [typeRule];
    const inherited: AuthRule[] = [];
    for (const iface of type.getInterfaces()) {
      const field = iface.getFields()[fieldName];
      if (!field) continue;
      const rule = readAuthRule(schema, field, `${iface.name}.${fieldName}`, policies) ?? typeRules.get(iface.name);
      if (rule) inherited.push(rule);
    }
    return inherited;
  };

  return mapSchema(schema, {
    [MapperKind.COMPOSITE_FIELD]: (config, fieldName, typeName) => {
      const type = schema.getType(typeName);
      if (!isObjectType(type) && !isInterfaceType(type)) return config;
      const rules = placementRules(type, fieldName, config);
      // Apollo's rule: a field that returns a protected type is protected by it.
      const returned = typeRules.get(getNamedType(config.type).name);
      if (returned && !rules.includes(returned)) rules.push(returned);
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
}
