import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  type GraphQLFieldConfig,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { Policy } from 'logto-authkit';
import { readAuthRule, type AuthRule } from './directive-rules.js';

/** An object or interface type: the types whose fields `@auth` guards. */
export type Composite = GraphQLObjectType | GraphQLInterfaceType;

/** Which `@auth` rules a field needs, all of them together. */
export interface RuleComposer {
  /** Every rule that applies to `type.fieldName`, each once; throws a `TypeError` when one would relax another. */
  rulesFor(type: Composite, fieldName: string, config: GraphQLFieldConfig<unknown, unknown>): AuthRule[];
}

const fail = (message: string): never => {
  throw new TypeError(`logto-authkit: ${message}`);
};

// Under AND, a field's `allowGuest: true` next to a rule that needs a signed-in caller would be dead text that
// reads as a grant; refusing it keeps the SDL honest about who gets in. A type-level `allowGuest: true` is a
// default for the type's fields, and a stricter rule narrowing it fails closed, so that one composes.
function assertNoRelaxing(rules: readonly AuthRule[], typeLevel: ReadonlySet<AuthRule>, field: string): void {
  const lenient = rules.find((rule) => rule.allowGuest && !typeLevel.has(rule));
  const strict = rules.find((rule) => !rule.allowGuest);
  if (lenient && strict) {
    fail(`@auth(allowGuest: true) on ${lenient.where} cannot relax @auth on ${strict.where}: every @auth that applies to ${field} must admit the caller; drop allowGuest or move the field`);
  }
}

/**
 * Compose the rules of `schema`: a field needs its own `@auth`, its type's,
 * each implemented interface's type rule and its rule for the field, and the
 * rules of the type it returns (for a union or interface, of every possible
 * member, since which one resolves is known only once the resolver has run).
 */
export function createRuleComposer(schema: GraphQLSchema, policies: ReadonlyMap<string, Policy>): RuleComposer {
  const ownTypeRules = new Map<string, AuthRule>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const rule = readAuthRule(schema, type, `type ${type.name}`, policies);
    if (rule) ownTypeRules.set(type.name, rule);
  }
  const typeLevel = new Set(ownTypeRules.values());
  // Interface field rules are read once, not once per implementation.
  const interfaceFieldRules = new Map<string, AuthRule | undefined>();
  const interfaceFieldRule = (iface: GraphQLInterfaceType, fieldName: string): AuthRule | undefined => {
    const where = `${iface.name}.${fieldName}`;
    if (!interfaceFieldRules.has(where)) {
      const field = iface.getFields()[fieldName];
      interfaceFieldRules.set(where, field ? readAuthRule(schema, field, where, policies) : undefined);
    }
    return interfaceFieldRules.get(where);
  };

  // A value of a type is also a value of each interface it implements: the interfaces' type rules follow it
  // everywhere, including to fields the interface does not declare.
  const typeRules = (type: GraphQLNamedType): (AuthRule | undefined)[] =>
    isObjectType(type) || isInterfaceType(type) ? [ownTypeRules.get(type.name), ...type.getInterfaces().map((iface) => ownTypeRules.get(iface.name))] : [];
  const returnedRules = (type: GraphQLNamedType): (AuthRule | undefined)[] =>
    isAbstractType(type) ? [...typeRules(type), ...schema.getPossibleTypes(type).flatMap(typeRules)] : typeRules(type);

  return {
    rulesFor(type, fieldName, config) {
      const candidates = [
        readAuthRule(schema, config, `${type.name}.${fieldName}`, policies),
        ...typeRules(type),
        ...type.getInterfaces().map((iface) => interfaceFieldRule(iface, fieldName)),
        ...returnedRules(getNamedType(config.type)),
      ];
      // `where` names one placement, so it identifies a rule.
      const byPlace = new Map<string, AuthRule>();
      for (const rule of candidates) if (rule && !byPlace.has(rule.where)) byPlace.set(rule.where, rule);
      const rules = [...byPlace.values()];
      assertNoRelaxing(rules, typeLevel, `${type.name}.${fieldName}`);
      return rules;
    },
  };
}
