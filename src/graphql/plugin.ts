import { AuthError, authorize, type AuthContext, type AuthKit } from 'logto-authkit';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { denyListenerEntry, toGraphQLError, type DenyEvent } from './errors.js';
import { usesIntrospection, withoutSuggestion } from './introspection.js';
import { adjustHTTPStatus } from './result-status.js';
import { assertTransformed } from './schema-mark.js';
import { endWithAuthorization } from './subscription-expiry.js';
import { createWSAuthContext, isWebSocketContext } from './ws-credentials.js';

/** Options of {@link useLogtoAuth}. */
export interface LogtoAuthPluginOptions {
  /**
   * Who may run `__schema` / `__type`. `'authenticated'` refuses guests and anonymous callers with a 401
   * wherever the document asks (under a field returning the root type, in fragments, in mutation and
   * subscription payloads), and drops graphql-js's "Did you mean …" suggestions, which name fields,
   * types and enum values: from every caller's validation errors (Yoga validates before it knows the
   * caller) and from the execution errors (variable values) of callers who are not signed in.
   * @default 'public'
   */
  introspection?: 'public' | 'authenticated';
  /** Called once per refused field (for audit logs). A throwing listener is ignored. */
  onDeny?: (event: DenyEvent) => void;
}

/** What `useLogtoAuth` adds to the Yoga context. */
export interface LogtoAuthContext<TClaims = Record<string, unknown>> {
  auth: AuthContext<TClaims>;
}

// Type-only use of graphql-yoga: the directive alone must work without Yoga installed.
const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The Yoga plugin: puts `auth` (an `AuthContext`, never a rejection) on the
 * context of every HTTP, SSE and graphql-ws operation; for graphql-ws the token
 * comes from `connectionParams`, read anew at each `subscribe`. It also gives
 * refusals their HTTP meaning (every root field refused → 401/403/503 with
 * `WWW-Authenticate`; partly refused → 200 with errors) and ends subscription
 * streams (SSE and graphql-ws) when their token expires (`exp +
 * clockTolerance`) or its subject is revoked (back-channel logout).
 *
 * A schema that uses `@auth` but did not go through `authDirectiveTransformer`
 * would serve every marked field to anyone; the plugin throws when Yoga loads
 * such a schema (at `createYoga` for a fixed schema, per request for a factory).
 *
 * @example
 * ```ts
 * const yoga = createYoga({ schema, plugins: [useLogtoAuth(kit, { onDeny: (e) => log.warn(e) })] })
 * ```
 */
export function useLogtoAuth<TClaims = Record<string, unknown>>(kit: AuthKit<TClaims>, options: LogtoAuthPluginOptions = {}): Plugin<LogtoAuthContext<TClaims>> {
  const introspection = options.introspection ?? 'public';
  if (introspection !== 'public' && introspection !== 'authenticated') {
    throw new TypeError(`logto-authkit: useLogtoAuth option "introspection" must be 'public' or 'authenticated', got ${JSON.stringify(introspection)}`);
  }
  if (options.onDeny !== undefined && typeof options.onDeny !== 'function') throw new TypeError('logto-authkit: useLogtoAuth option "onDeny" must be a function');
  const denyEntry = options.onDeny ? denyListenerEntry(options.onDeny) : {};
  const introspectionRefusal = (document: DocumentNode, auth: AuthContext<TClaims>): ExecutionResult | undefined => {
    if (introspection === 'public' || auth.status === 'authenticated' || !usesIntrospection(document)) return undefined;
    // The core's refusal of a caller, so it carries what the kit adds to every challenge (resource_metadata).
    const error = authorize(auth) ?? new AuthError('guest_not_allowed', 'sign-in required: introspection is for authenticated callers');
    return { errors: [toGraphQLError(error, auth)] };
  };

  // Hooks only where they act: with public introspection neither validation nor execution is touched,
  // and Yoga (envelop) wraps `validate` and `execute` only for plugins that hook them.
  const restricted: Pick<Plugin<LogtoAuthContext<TClaims>>, 'onValidate' | 'onExecute'> =
    introspection === 'public'
      ? {}
      : {
          // Yoga validates before it builds the context, so the caller is not known yet: with introspection
          // restricted, nobody gets suggestions, which would otherwise spell out field names to anyone.
          onValidate() {
            return ({ result, setResult }) => {
              if (result.length > 0) setResult(result.map(withoutSuggestion));
            };
          },
          onExecute({ args, setResultAndStopExecution }) {
            const auth = args.contextValue.auth;
            const refusal = introspectionRefusal(args.document, auth);
            if (refusal) return setResultAndStopExecution(refusal);
            if (auth.status === 'authenticated') return;
            // Variable coercion runs inside execute and suggests enum values ("Did you mean the enum value …").
            return {
              onExecuteDone({ result, setResult }) {
                if (!isAsyncIterable(result) && result.errors) setResult({ ...result, errors: result.errors.map(withoutSuggestion) });
              },
            };
          },
        };

  return {
    // At createYoga for a fixed schema; per request for a schema factory (cached per schema).
    onSchemaChange({ schema }) {
      assertTransformed(schema);
    },
    ...restricted,
    // Not async: for a cached token the context is extended before the hook returns, and Yoga
    // goes on without a promise; anything that needs waiting for returns its promise.
    onContextBuilding({ context, extendContext }) {
      const initial: Record<string, unknown> = context;
      const extend = (auth: AuthContext<TClaims>): void => extendContext({ auth, ...denyEntry });
      if (isWebSocketContext(initial)) {
        return createWSAuthContext(kit, initial.connectionParams, (initial.extra as { request?: unknown } | undefined)?.request ?? initial.req).then(extend);
      }
      const auth = kit.authenticate(context.request);
      if (auth instanceof Promise) return auth.then(extend);
      extend(auth);
      return undefined;
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      // A subscription payload can expose `query: Query`, so the gate runs here as in onExecute.
      const refusal = introspectionRefusal(args.document, args.contextValue.auth);
      if (refusal) return setResultAndStopExecution(refusal);
      const auth = args.contextValue.auth;
      if (auth.status !== 'authenticated') return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(endWithAuthorization(result, kit, auth));
        },
      };
    },
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) return;
      setResult(Array.isArray(result) ? result.map((item) => adjustHTTPStatus(item)) : adjustHTTPStatus(result));
    },
  };
}
