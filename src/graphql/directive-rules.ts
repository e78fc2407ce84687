import type { GraphQLSchema } from 'graphql';
import { getDirective, type DirectableGraphQLObject } from '@graphql-tools/utils';
import type { Policy } from 'logto-authkit';

/** One `@auth(...)` read from the schema, validated. */
export interface AuthRule {
  /** All of these scopes (`scope` and `scopes` merged). */
  scopes: readonly string[];
  /** At least one of these scopes. */
  anyScopes: readonly string[];
  allowGuest: boolean;
  policy: Policy | undefined;
  /** Name of the field argument that must equal `auth.organizationId`. */
  organizationArg: string | undefined;
  /** Where the directive sits, for build-error messages (`Query.me`, `type User`). */
  where: string;
}

// The SDL of record; `assertAuthDirective` holds a user-written definition to it.
const EXPECTED_ARGS: Readonly<Record<string, string>> = {
  scope: 'String',
  scopes: '[String!]',
  anyScopes: '[String!]',
  allowGuest: 'Boolean',
  policy: 'String',
  organizationArg: 'String',
};
const LOCATIONS = new Set(['OBJECT', 'FIELD_DEFINITION', 'INTERFACE']);

const fail = (message: string): never => {
  throw new TypeError(`logto-authkit: ${message}`);
};

/** The schema declares `@auth` as `authDirectiveTypeDefs` does (argument types, locations). */
export function assertAuthDirective(schema: GraphQLSchema): void {
  const directive = schema.getDirective('auth');
  if (!directive) return fail('the schema has no @auth directive: add authDirectiveTypeDefs to typeDefs');
  for (const arg of directive.args) {
    const expected = EXPECTED_ARGS[arg.name];
    if (expected === undefined) fail(`@auth declares an unknown argument "${arg.name}"`);
    if (String(arg.type) !== expected) fail(`@auth argument "${arg.name}" must be of type ${expected}, not ${String(arg.type)}`);
  }
  for (const location of directive.locations) {
    if (!LOCATIONS.has(location)) fail(`@auth cannot be declared on ${location}: it supports OBJECT, FIELD_DEFINITION and INTERFACE`);
  }
}

function scopeList(value: unknown, name: string, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(`@auth(${name}:) on ${where} must be a list of strings`);
  // An empty list would admit every caller: graphql-shield-style silent grants are refused at build.
  if (value.length === 0) fail(`@auth(${name}: []) on ${where} is empty and would admit anyone; name a scope or drop the argument`);
  return value.map((scope: unknown) => scopeName(scope, name, where));
}

// RFC 6749 §3.3: a scope token is a non-empty run of visible characters without spaces.
function scopeName(scope: unknown, name: string, where: string): string {
  if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
    return fail(`@auth(${name}:) on ${where} has an invalid scope ${JSON.stringify(scope)}`);
  }
  return scope;
}

/**
 * Read and validate the `@auth` on `node`; `undefined` when it has none.
 * Throws a `TypeError` naming `where` for anything that cannot be enforced.
 */
export function readAuthRule(schema: GraphQLSchema, node: DirectableGraphQLObject, where: string, policies: ReadonlyMap<string, Policy>): AuthRule | undefined {
  let found: Record<string, unknown>[] | undefined;
  try {
    found = getDirective(schema, node, 'auth');
  } catch (error) {
    // graphql-js does not type-check directive arguments in SDL; coercion here is the first place that can.
    return fail(`@auth on ${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const args = found?.[0];
  if (!args) return undefined;
  const scopes = scopeList(args.scopes, 'scopes', where);
  if (args.scope !== undefined && args.scope !== null) scopes.unshift(scopeName(args.scope, 'scope', where));
  let policy: Policy | undefined;
  if (typeof args.policy === 'string') {
    policy = policies.get(args.policy);
    if (!policy) fail(`@auth(policy: "${args.policy}") on ${where} names no policy; known: ${[...policies.keys()].join(', ') || 'none'}`);
  }
  const organizationArg = typeof args.organizationArg === 'string' ? args.organizationArg : undefined;
  return { scopes: [...new Set(scopes)], anyScopes: scopeList(args.anyScopes, 'anyScopes', where), allowGuest: args.allowGuest === true, policy, organizationArg, where };
}

/** Index policies by name; two policies with one name are a build error. */
export function indexPolicies(policies: readonly Policy[]): Map<string, Policy> {
  const byName = new Map<string, Policy>();
  for (const policy of policies) {
    if (byName.has(policy.name)) fail(`two policies are named "${policy.name}"`);
    byName.set(policy.name, policy);
  }
  return byName;
}
