import { GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { createLiveAuthorization, type AuthKit } from 'logto-authkit';
import { createWSAuthContext } from './ws-credentials.js';

type OperationResult = ExecutionResult | AsyncIterable<ExecutionResult>;

/** The parts of a graphql-ws `Context` (from `graphql-ws/use/ws`) this helper reads; no graphql-ws import needed. */
export interface GraphQLWSContextLike {
  readonly connectionParams?: unknown;
  readonly extra: {
    readonly socket: { close(code?: number, reason?: string): void; once(event: 'close', listener: () => void): unknown };
    readonly request: object;
  };
}

/** The parts of a graphql-ws `SubscribePayload`. */
export interface GraphQLWSSubscribePayload {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

/** The parts of a Yoga server the helper runs operations through (`createYoga(...)` fits). */
export interface EnvelopedYoga {
  getEnveloped(initialContext: Record<string, unknown>): {
    schema: GraphQLSchema;
    parse(source: string): DocumentNode;
    validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
    contextFactory(): unknown;
    execute(args: ExecutionArgs): OperationResult | Promise<OperationResult>;
    subscribe(args: ExecutionArgs): OperationResult | Promise<OperationResult>;
  };
}

/** Hooks for graphql-ws `useServer`, from {@link createGraphQLWSAuth}. */
export interface GraphQLWSAuthHooks {
  /** Refuses a `connection_init` whose token is refused (close 4403, so the client refreshes and retries); closes the socket with 4403 when its token expires (`exp + clockTolerance`) or its subject is revoked. */
  onConnect(ctx: GraphQLWSContextLike): Promise<boolean>;
  /** Runs each operation through Yoga, whose `useLogtoAuth` plugin re-verifies the token: scopes are checked at every subscribe. */
  onSubscribe(ctx: GraphQLWSContextLike, id: string, payload: GraphQLWSSubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]>;
  execute(args: ExecutionArgs): Promise<OperationResult>;
  subscribe(args: ExecutionArgs): Promise<OperationResult>;
}

// graphql-ws's Forbidden: its client treats it as retryable, and retries re-read connectionParams.
const FORBIDDEN = 4403;

/**
 * Wire graphql-ws to a Yoga server that uses `useLogtoAuth`. Spread the result
 * into `useServer`; the client sends its access token in `connectionParams`
 * (`{ token }` or `{ authorization: 'Bearer …' }`, the contract tRPC's
 * WebSockets share), ideally from a function so a retry after 4403 sends a
 * fresh one. At logout (the subject revoked) or expiry, each subscription gets
 * an `UNAUTHENTICATED` error and the socket closes with 4403.
 * A connection without a token is accepted (public operations keep working);
 * a refused token closes it with 4403; an identity-provider outage does not
 * (the token may be fine), each protected operation then reports 503.
 *
 * @example
 * ```ts
 * import { useServer } from 'graphql-ws/use/ws'
 * useServer(createGraphQLWSAuth(kit, { yoga }), new WebSocketServer({ server, path: yoga.graphqlEndpoint }))
 * // client: createClient({ url, connectionParams: async () => ({ token: await getAccessToken() }) })
 * ```
 */
export function createGraphQLWSAuth<TClaims>(kit: AuthKit<TClaims>, { yoga }: { yoga: EnvelopedYoga }): GraphQLWSAuthHooks {
  const enveloped = new WeakMap<object, ReturnType<EnvelopedYoga['getEnveloped']>>();
  const run = (kind: 'execute' | 'subscribe') => async (args: ExecutionArgs): Promise<OperationResult> => {
    const operation = typeof args.contextValue === 'object' && args.contextValue !== null ? enveloped.get(args.contextValue) : undefined;
    if (!operation) throw new Error('logto-authkit: createGraphQLWSAuth: execute/subscribe need the onSubscribe hook from the same call');
    return operation[kind](args);
  };

  return {
    async onConnect(ctx) {
      const auth = await createWSAuthContext(kit, ctx.connectionParams, ctx.extra.request);
      if (auth.status !== 'authenticated') {
        // No token, or an outage (any 503): accept, so public operations work and protected ones report it.
        const error = auth.error;
        return error === undefined || error.code === 'missing_token' || error.status === 503;
      }
      // The socket's only token: when it expires or is revoked the socket has nothing left to serve.
      const { socket } = ctx.extra;
      const live = createLiveAuthorization(kit, auth);
      void live.ended.then((error) => {
        // One turn later, so that each subscription's own final error (from the plugin) is sent before the close.
        setTimeout(() => socket.close(FORBIDDEN, error.code), 0);
      });
      socket.once('close', () => live.close());
      return true;
    },
    async onSubscribe(ctx, _id, payload) {
      const operation = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
      let document: DocumentNode;
      try {
        document = operation.parse(payload.query);
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
      }
      const errors = operation.validate(operation.schema, document);
      if (errors.length > 0) return errors;
      const contextValue = await operation.contextFactory();
      if (typeof contextValue === 'object' && contextValue !== null) enveloped.set(contextValue, operation);
      return { schema: operation.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
    },
    execute: run('execute'),
    subscribe: run('subscribe'),
  };
}
