import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLFieldConfig,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { Policy } from 'logto-authkit';
import type { DirectableGraphQLObject } from '@graphql-tools/utils';
import { readFederationRules } from './directive-federation.js';
import { readAuthRule, type AuthRule } from './directive-rules.js';

/** An object or interface type: the types whose fields `@auth` guards. */
export type Composite = GraphQLObjectType | GraphQLInterfaceType;

/** Which `@auth` (and federation directive) rules a field needs, all of them together. */
export interface RuleComposer {
  /** Every rule that applies to `type.fieldName`, each once; throws a `TypeError` when one would relax another. */
  rulesFor(type: Composite, fieldName: string, config: GraphQLFieldConfig<unknown, unknown>): AuthRule[];
}

const fail = (message: string): never => {
  throw new TypeError(`logto-authkit: ${message}`);
};

// Every rule one placement carries: its `@auth` and each federation directive, all of them together.
function readRules(schema: GraphQLSchema, node: DirectableGraphQLObject, where: string, policies: ReadonlyMap<string, Policy>): AuthRule[] {
  const own = readAuthRule(schema, node, where, policies);
  return [...(own ? [own] : []), ...readFederationRules(schema, node, where, policies)];
}

// Under AND, a field's `allowGuest: true` next to a rule that needs a signed-in caller would be dead text that
// reads as a grant; refusing it keeps the SDL honest about who gets in. A type-level `allowGuest: true` is a
// default for the type's fields, and a stricter rule narrowing it fails closed, so that one composes.
function assertNoRelaxing(rules: readonly AuthRule[], typeLevel: ReadonlySet<AuthRule>, field: string): void {
  const lenient = rules.find((rule) => rule.allowGuest && !typeLevel.has(rule));
  const strict = rules.find((rule) => !rule.allowGuest);
  if (lenient && strict) {
    fail(`@auth(allowGuest: true) on ${lenient.where} cannot relax ${strict.directive} on ${strict.where}: every rule that applies to ${field} must admit the caller; drop allowGuest or move the field`);
  }
}

/**
 * Compose the rules of `schema`: a field needs its own `@auth`, its type's,
 * each implemented interface's type rule and its rule for the field, and the
 * rules of the type it returns (for a union or interface, of every possible
 * member, since which one resolves is known only once the resolver has run).
 */
export function createRuleComposer(schema: GraphQLSchema, policies: ReadonlyMap<string, Policy>): RuleComposer {
  const ownTypeRules = new Map<string, AuthRule[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    // Federation's directives also sit on scalars and enums: they then guard every field returning one.
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type) || isScalarType(type) || isEnumType(type))) continue;
    const rules = readRules(schema, type, `type ${type.name}`, policies);
    if (rules.length > 0) ownTypeRules.set(type.name, rules);
  }
  const typeLevel = new Set([...ownTypeRules.values()].flat());
  // Interface field rules are read once, not once per implementation.
  const interfaceFieldRules = new Map<string, AuthRule[]>();
  const interfaceFieldRule = (iface: GraphQLInterfaceType, fieldName: string): AuthRule[] => {
    const where = `${iface.name}.${fieldName}`;
    let rules = interfaceFieldRules.get(where);
    if (!rules) {
      const field = iface.getFields()[fieldName];
      interfaceFieldRules.set(where, (rules = field ? readRules(schema, field, where, policies) : []));
    }
    return rules;
  };

  // A value of a type is also a value of each interface it implements: the interfaces' type rules follow it
  // everywhere, including to fields the interface does not declare.
  const own = (name: string): AuthRule[] => ownTypeRules.get(name) ?? [];
  const typeRules = (type: GraphQLNamedType): AuthRule[] =>
    isObjectType(type) || isInterfaceType(type) ? [...own(type.name), ...type.getInterfaces().flatMap((iface) => own(iface.name))] : own(type.name);
  const returnedRules = (type: GraphQLNamedType): AuthRule[] =>
    isAbstractType(type) ? [...typeRules(type), ...schema.getPossibleTypes(type).flatMap(typeRules)] : typeRules(type);

  return {
    rulesFor(type, fieldName, config) {
      const candidates = [
        ...readRules(schema, config, `${type.name}.${fieldName}`, policies),
        ...typeRules(type),
        ...type.getInterfaces().flatMap((iface) => interfaceFieldRule(iface, fieldName)),
        ...returnedRules(getNamedType(config.type)),
      ];
      // A directive and its placement identify a rule.
      const byPlace = new Map<string, AuthRule>();
      for (const rule of candidates) if (!byPlace.has(`${rule.directive} ${rule.where}`)) byPlace.set(`${rule.directive} ${rule.where}`, rule);
      const rules = [...byPlace.values()];
      assertNoRelaxing(rules, typeLevel, `${type.name}.${fieldName}`);
      return rules;
    },
  };
}
