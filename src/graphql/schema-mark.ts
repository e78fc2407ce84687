import { GraphQLSchema, isInterfaceType, isObjectType } from 'graphql';
import { FEDERATION_DIRECTIVES } from './directive-federation.js';

// A string key and an object value: graphql-js copies extensions key by key (string keys only) when
// `toConfig()` rebuilds a schema, so the mark survives later `mapSchema` passes; the value is compared by identity.
const KEY = 'logtoAuthkit';
const TRANSFORMED = Object.freeze({ transformedBy: 'authDirectiveTransformer' });

/** `schema` with a mark that says `authDirectiveTransformer` produced it. */
export function markTransformed(schema: GraphQLSchema): GraphQLSchema {
  return new GraphQLSchema({ ...schema.toConfig(), extensions: { ...schema.extensions, [KEY]: TRANSFORMED } });
}

interface Directable {
  astNode?: { directives?: readonly { name: { value: string } }[] } | null | undefined;
  extensionASTNodes?: readonly { directives?: readonly { name: { value: string } }[] }[];
  extensions?: unknown;
}

// `@auth` and the federation names the transformer enforces.
const NAMES: ReadonlySet<string> = new Set(['auth', ...FEDERATION_DIRECTIVES]);

// SDL puts directives on AST nodes; code-first schemas (graphql-tools' convention) under `extensions.directives`.
function carriesAuth(node: Directable): boolean {
  const nodes = [node.astNode, ...(node.extensionASTNodes ?? [])];
  if (nodes.some((ast) => ast?.directives?.some((directive) => NAMES.has(directive.name.value)))) return true;
  // graphql-tools reads both shapes: `{ auth: {…} }` and `[{ name: 'auth', args }]`.
  const directives = (node.extensions as { directives?: unknown } | undefined)?.directives;
  if (Array.isArray(directives)) return directives.some((directive) => NAMES.has(String((directive as { name?: unknown } | null)?.name)));
  return typeof directives === 'object' && directives !== null && Object.keys(directives).some((name) => NAMES.has(name));
}

function usesAuth(schema: GraphQLSchema): boolean {
  return Object.values(schema.getTypeMap()).some(
    (type) => !type.name.startsWith('__') && (carriesAuth(type) || ((isObjectType(type) || isInterfaceType(type)) && Object.values(type.getFields()).some(carriesAuth))),
  );
}

const checked = new WeakSet<GraphQLSchema>();

/**
 * Throw when `schema` uses `@auth` but did not go through `authDirectiveTransformer`:
 * its `@auth` would be text nobody enforces, so every marked field would be served to anyone.
 */
export function assertTransformed(schema: GraphQLSchema): void {
  if (checked.has(schema)) return;
  if (schema.extensions[KEY] !== TRANSFORMED && usesAuth(schema)) {
    throw new Error(
      'logto-authkit: the schema uses @auth but was not passed through authDirectiveTransformer, so no @auth rule would be enforced; serve authDirectiveTransformer(schema, { policies }) instead',
    );
  }
  checked.add(schema);
}
