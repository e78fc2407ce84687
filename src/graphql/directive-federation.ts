/**
 * Apollo Federation's authorization directives (`@authenticated`, `@requiresScopes`, `@policy`,
 * https://www.apollographql.com/docs/graphos/routing/security/authorization), read into the same
 * `AuthRule`s as `@auth`, so a subgraph schema written for Apollo Router is enforced unchanged and
 * composes with `@auth` under the same rules (directive-compose.ts).
 */
import type { GraphQLSchema } from 'graphql';
import type { DirectableGraphQLObject } from '@graphql-tools/utils';
import type { AuthenticatedContext, Policy } from 'logto-authkit';
import { directiveArgs, fail, scopeName, type AuthRule } from './directive-rules.js';

const LOCATIONS = 'FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM';

/**
 * SDL of Apollo Federation's authorization directives, for schemas not built by `@apollo/subgraph`
 * (which declares them itself, with `federation__Scope` / `federation__Policy`: both are accepted).
 *
 * @example
 * ```ts
 * const schema = makeExecutableSchema({ typeDefs: [federationAuthDirectiveTypeDefs, 'type Query { me: String @authenticated }'] })
 * ```
 */
export const federationAuthDirectiveTypeDefs = [
  `directive @authenticated on ${LOCATIONS}`,
  `directive @requiresScopes(scopes: [[String!]!]!) on ${LOCATIONS}`,
  `directive @policy(policies: [[String!]!]!) on ${LOCATIONS}`,
].join('\n');

/** The federation directive names. */
export const FEDERATION_DIRECTIVES = ['authenticated', 'requiresScopes', 'policy'] as const;

const ARGUMENTS: Readonly<Record<(typeof FEDERATION_DIRECTIVES)[number], Readonly<Record<string, readonly string[]>>>> = {
  authenticated: {},
  requiresScopes: { scopes: ['[[String!]!]!', '[[federation__Scope!]!]!'] },
  policy: { policies: ['[[String!]!]!', '[[federation__Policy!]!]!'] },
};
const ALLOWED = new Set(LOCATIONS.split(' | '));

/** Each federation directive the schema declares is declared as Apollo does; returns whether it declares any. */
export function assertFederationDirectives(schema: GraphQLSchema): boolean {
  let declared = false;
  for (const name of FEDERATION_DIRECTIVES) {
    const directive = schema.getDirective(name);
    if (!directive) continue;
    declared = true;
    const expected = ARGUMENTS[name];
    if (directive.args.length !== Object.keys(expected).length) fail(`@${name} must declare exactly the arguments ${Object.keys(expected).join(', ') || '(none)'}, as federationAuthDirectiveTypeDefs does`);
    for (const arg of directive.args) {
      const types = expected[arg.name];
      if (!types) return fail(`@${name} declares an unknown argument "${arg.name}"`);
      if (!types.includes(String(arg.type))) fail(`@${name} argument "${arg.name}" must be of type ${types.join(' or ')}, not ${String(arg.type)}`);
    }
    for (const location of directive.locations) if (!ALLOWED.has(location)) fail(`@${name} cannot be declared on ${location}: it supports ${LOCATIONS}`);
  }
  return declared;
}

// A list of non-empty lists: an empty OR admits nobody and an empty AND admits anyone; either is a typo.
function sets(value: unknown, directive: string, arg: string, where: string, item: (value: unknown) => string): string[][] {
  const shape = `${directive}(${arg}:) on ${where}`;
  if (!Array.isArray(value) || value.length === 0) return fail(`${shape} must list at least one set, e.g. [["read:posts"]]`);
  return value.map((set: unknown) => {
    if (!Array.isArray(set) || set.length === 0) return fail(`${shape} has an empty set, which would admit anyone; name one or drop the set`);
    return [...new Set(set.map(item))];
  });
}

// OR of ANDs of policies, in order; a rule that throws rejects (policy_error, 500): an outage is never a 403.
function anyOfPolicies(alternatives: readonly (readonly Policy[])[]): Policy {
  if (alternatives.length === 1 && alternatives[0]?.length === 1) return alternatives[0][0] as Policy;
  const names = alternatives.map((set) => set.map((policy) => policy.name).join(' and '));
  return Object.freeze({
    name: names.length === 1 ? (names[0] as string) : names.map((set) => `(${set})`).join(' or '),
    async check(auth: AuthenticatedContext<unknown>, ctx: unknown, args: unknown): Promise<boolean> {
      for (const set of alternatives) {
        let admitted = true;
        for (const policy of set) if (!(admitted = await policy.check(auth, ctx, args))) break;
        if (admitted) return true;
      }
      return false;
    },
  });
}

const rule = (where: string, directive: string, extra: Partial<AuthRule> = {}): AuthRule => ({
  scopes: [],
  scopeAlternatives: [],
  anyScopes: [],
  allowGuest: false,
  policy: undefined,
  organizationArg: undefined,
  where,
  directive,
  ...extra,
});

/** Read the federation directives on `node` into rules (one per directive); `[]` when it has none. */
export function readFederationRules(schema: GraphQLSchema, node: DirectableGraphQLObject, where: string, policies: ReadonlyMap<string, Policy>): AuthRule[] {
  const rules: AuthRule[] = [];
  if (directiveArgs(schema, node, 'authenticated', where)) rules.push(rule(where, '@authenticated'));
  const scopes = directiveArgs(schema, node, 'requiresScopes', where);
  if (scopes) {
    const alternatives = sets(scopes.scopes, '@requiresScopes', 'scopes', where, (item) => scopeName(item, 'scopes', where, '@requiresScopes'));
    rules.push(rule(where, '@requiresScopes', alternatives.length === 1 ? { scopes: alternatives[0] ?? [] } : { scopeAlternatives: alternatives }));
  }
  const policy = directiveArgs(schema, node, 'policy', where);
  if (policy) {
    const alternatives = sets(policy.policies, '@policy', 'policies', where, (item) => (typeof item === 'string' ? item : fail(`@policy(policies:) on ${where} has a policy name that is not a string`))).map((set) =>
      set.map((name) => policies.get(name) ?? fail(`@policy(policies:) on ${where} names no policy "${name}"; known: ${[...policies.keys()].join(', ') || 'none'}`)),
    );
    rules.push(rule(where, '@policy', { policy: anyOfPolicies(alternatives) }));
  }
  return rules;
}
