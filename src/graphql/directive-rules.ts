import type { GraphQLSchema } from 'graphql';
import { getDirective, type DirectableGraphQLObject } from '@graphql-tools/utils';
import type { Policy } from 'logto-authkit';

/** One `@auth(...)` (or federation directive) read from the schema, validated. */
export interface AuthRule {
  /** All of these scopes (`scope` and `scopes` merged). */
  scopes: readonly string[];
  /** One of these sets in full (`@requiresScopes` with more than one set); empty otherwise. */
  scopeAlternatives: readonly (readonly string[])[];
  /** At least one of these scopes. */
  anyScopes: readonly string[];
  allowGuest: boolean;
  policy: Policy | undefined;
  /** Name of the field argument that must equal `auth.organizationId`. */
  organizationArg: string | undefined;
  /** Where the directive sits, for build-error messages (`Query.me`, `type User`). */
  where: string;
  /** The directive it was read from, for messages: `@auth`, `@authenticated`, `@requiresScopes`, `@policy`. */
  directive: string;
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

/** Throw a build-time `TypeError` prefixed with the package name. */
export const fail = (message: string): never => {
  throw new TypeError(`logto-authkit: ${message}`);
};

/** The schema declares `@auth` as `authDirectiveTypeDefs` does (argument types, locations); `false` when it declares no `@auth`. */
export function assertAuthDirective(schema: GraphQLSchema): boolean {
  const directive = schema.getDirective('auth');
  if (!directive) return false;
  for (const arg of directive.args) {
    const expected = EXPECTED_ARGS[arg.name];
    if (expected === undefined) fail(`@auth declares an unknown argument "${arg.name}"`);
    if (String(arg.type) !== expected) fail(`@auth argument "${arg.name}" must be of type ${expected}, not ${String(arg.type)}`);
  }
  for (const location of directive.locations) {
    if (!LOCATIONS.has(location)) fail(`@auth cannot be declared on ${location}: it supports OBJECT, FIELD_DEFINITION and INTERFACE`);
  }
  return true;
}

function scopeList(value: unknown, name: string, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(`@auth(${name}:) on ${where} must be a list of strings`);
  // An empty list would admit every caller: graphql-shield-style silent grants are refused at build.
  if (value.length === 0) fail(`@auth(${name}: []) on ${where} is empty and would admit anyone; name a scope or drop the argument`);
  return value.map((scope: unknown) => scopeName(scope, name, where));
}

// RFC 6749 §3.3: a scope token is a non-empty run of visible characters without spaces.
export function scopeName(scope: unknown, name: string, where: string, directive = '@auth'): string {
  if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
    return fail(`${directive}(${name}:) on ${where} has an invalid scope ${JSON.stringify(scope)}`);
  }
  return scope;
}

/** The arguments of directive `name` on `node`, coerced; `undefined` when it is not there. */
export function directiveArgs(schema: GraphQLSchema, node: DirectableGraphQLObject, name: string, where: string): Record<string, unknown> | undefined {
  if (!schema.getDirective(name)) return undefined;
  try {
    return getDirective(schema, node, name)?.[0];
  } catch (error) {
    // graphql-js does not type-check directive arguments in SDL; coercion here is the first place that can.
    return fail(`@${name} on ${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Read and validate the `@auth` on `node`; `undefined` when it has none.
 * Throws a `TypeError` naming `where` for anything that cannot be enforced.
 */
export function readAuthRule(schema: GraphQLSchema, node: DirectableGraphQLObject, where: string, policies: ReadonlyMap<string, Policy>): AuthRule | undefined {
  const args = directiveArgs(schema, node, 'auth', where);
  if (!args) return undefined;
  const scopes = scopeList(args.scopes, 'scopes', where);
  if (args.scope !== undefined && args.scope !== null) scopes.unshift(scopeName(args.scope, 'scope', where));
  let policy: Policy | undefined;
  if (typeof args.policy === 'string') {
    policy = policies.get(args.policy);
    if (!policy) fail(`@auth(policy: "${args.policy}") on ${where} names no policy; known: ${[...policies.keys()].join(', ') || 'none'}`);
  }
  const organizationArg = typeof args.organizationArg === 'string' ? args.organizationArg : undefined;
  const anyScopes = scopeList(args.anyScopes, 'anyScopes', where);
  return { scopes: [...new Set(scopes)], scopeAlternatives: [], anyScopes, allowGuest: args.allowGuest === true, policy, organizationArg, where, directive: '@auth' };
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
