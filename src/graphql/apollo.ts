/**
 * Apollo Server 5 wiring for the same `@auth` transformer that Yoga uses. Type-only use of
 * `@apollo/server`: nothing here loads Apollo, so `logto-authkit/graphql` works without it.
 *
 * Apollo reads `extensions.http` of *every* error into the response head (the last one wins) and then
 * deletes it from the body (`normalizeAndFormatErrors`). Left alone, one refused field among fields that
 * resolved would turn a 200 with data into a 401, and no `WWW-Authenticate` would be sent. The plugin gives
 * Apollo's responses the status rules of `adjustHTTPStatus` (the GraphQL-over-HTTP rules Yoga follows).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { AuthKit } from 'logto-authkit';
import type { IncomingMessage } from 'node:http';
import { denyListenerEntry, findAuthGraphQLError, type DenyEvent } from './errors.js';
import type { LogtoAuthContext } from './plugin.js';
import { adjustHTTPStatus } from './result-status.js';
import { assertTransformed } from './schema-mark.js';

/**
 * Options of {@link createApolloContext}.
 *
 * @example
 * ```ts
 * const options: ApolloContextOptions = { onDeny: (event) => console.warn('denied', event.path, event.code) }
 * ```
 */
export interface ApolloContextOptions {
  /** Called once per refused field (for audit logs). A throwing listener is ignored. @default undefined */
  onDeny?: (event: DenyEvent) => void;
}

/**
 * The `context` function for Apollo Server's `startStandaloneServer` and for the Express integration:
 * `{ auth }` (an `AuthContext`, never a rejection, so public fields keep working) from the request's
 * cookie or `Authorization` header.
 *
 * @example
 * ```ts
 * await startStandaloneServer(server, { context: createApolloContext(kit) })
 * ```
 */
export function createApolloContext<TClaims = Record<string, unknown>>(
  kit: AuthKit<TClaims>,
  options: ApolloContextOptions = {},
): (args: { req: IncomingMessage }) => Promise<LogtoAuthContext<TClaims>> {
  if (options.onDeny !== undefined && typeof options.onDeny !== 'function') throw new TypeError('logto-authkit: createApolloContext option "onDeny" must be a function');
  const denyEntry = options.onDeny ? denyListenerEntry(options.onDeny) : {};
  return async ({ req }) => ({ auth: await kit.createAuthContext(req), ...denyEntry });
}

// The status that the non-auth errors asked for, as Apollo would have merged them (the last one wins).
function othersStatus(errors: readonly GraphQLError[]): number | undefined {
  let status: number | undefined;
  for (const error of errors) {
    const http = error.extensions.http as { status?: unknown } | undefined;
    if (!findAuthGraphQLError(error) && typeof http?.status === 'number') status = http.status;
  }
  return status;
}

/**
 * The Apollo Server plugin: every root field refused → 401/403/503 (the highest) with the RFC 6750
 * `WWW-Authenticate` challenge (and `Retry-After` for an outage); some field resolved → 200 with the
 * errors. Each refused field's error keeps `extensions.code`, `reason`, `refusal` and `http.status` in the
 * body. At start-up it refuses a schema that uses `@auth` without `authDirectiveTransformer`.
 *
 * @example
 * ```ts
 * const server = new ApolloServer<LogtoAuthContext>({ schema, plugins: [createApolloAuthPlugin()] })
 * ```
 */
export function createApolloAuthPlugin<TContext extends BaseContext = LogtoAuthContext>(): ApolloServerPlugin<TContext> {
  return {
    async serverWillStart({ schema }) {
      assertTransformed(schema);
    },
    async requestDidStart() {
      return {
        async willSendResponse({ response, errors }) {
          if (response.body.kind !== 'single' || !errors || errors.length === 0) return;
          const { singleResult } = response.body;
          const denials = errors.map(findAuthGraphQLError);
          if (!denials.some(Boolean)) return;
          const adjusted = adjustHTTPStatus({ data: singleResult.data, errors });
          const head = (adjusted.extensions?.http ?? undefined) as { status: number; headers: Record<string, string> } | undefined;
          if (head) {
            response.http.status = head.status;
            for (const [name, value] of Object.entries(head.headers)) response.http.headers.set(name.toLowerCase(), value);
          } else {
            response.http.status = othersStatus(errors);
          }
          // Apollo formats each error of `errors` in order; put back the `http` it consumed.
          if (singleResult.errors?.length !== errors.length) return;
          singleResult.errors = singleResult.errors.map((formatted, i) => {
            const denial = denials[i];
            return denial ? { ...formatted, extensions: { ...formatted.extensions, http: { status: denial.authError.status } } } : formatted;
          });
        },
      };
    },
  };
}
