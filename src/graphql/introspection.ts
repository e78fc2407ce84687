import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';

const META_FIELDS = new Set(['__schema', '__type']);

/**
 * Whether `document` asks for `__schema` or `__type` anywhere: not only at the
 * root but under any field that returns the root type (Relay's `viewer`, a
 * mutation payload's `query: Query`), in every fragment and inline fragment.
 * `visit` walks the syntax tree, where a spread names a fragment rather than
 * containing it, so fragment cycles cannot loop here; unused fragments are
 * visited too, which errs towards refusing.
 */
export function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (!META_FIELDS.has(node.name.value)) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

// graphql-js's didYouMean() appends ` Did you mean "a"?`, ` Did you mean "a" or "b"?` or
// ` Did you mean "a", "b", or "c"?` after the message's last sentence.
const SUGGESTION = / Did you mean [^]*\?$/;

/** `error` without graphql-js's "Did you mean …" suggestion, which names schema elements; the same error when it has none. */
export function withoutSuggestion<TError extends Error>(error: TError): TError | GraphQLError {
  if (!(error instanceof GraphQLError) || !SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
