import { CLOSE_BAD_REQUEST, CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, closeCode } from './close-codes.js';
import { createTokenReader } from './token-refresh.js';
import type { TokenSource } from './types.js';

/** A GraphQL result as graphql-ws delivers it (`FormattedExecutionResult`).
 *
 * @example
 * ```ts
 * const auth: GraphQLWSClientAuth = createGraphQLWSClientAuth({ getAccessToken: logto.getAccessToken })
 * ```
 */
export interface GraphQLWSResult {
  readonly data?: unknown;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> | undefined }> | undefined;
}

/** A graphql-ws sink.
 *
 * @example
 * ```ts
 * const auth: GraphQLWSClientAuth = createGraphQLWSClientAuth({ getAccessToken: logto.getAccessToken })
 * ```
 */
export interface GraphQLWSSink<TResult> {
  next(value: TResult): void;
  error(error: unknown): void;
  complete(): void;
}

/** The parts of a graphql-ws `Client` (from `createClient`) that {@link GraphQLWSClientAuth.subscribe} uses; no graphql-ws import needed.
 *
 * @example
 * ```ts
 * const auth: GraphQLWSClientAuth = createGraphQLWSClientAuth({ getAccessToken: logto.getAccessToken })
 * ```
 */
export interface GraphQLWSClientLike<TPayload, TResult extends GraphQLWSResult> {
  subscribe(payload: TPayload, sink: GraphQLWSSink<TResult>): () => void;
  on(event: 'closed', listener: (event: unknown) => void): () => void;
}

/** What {@link createGraphQLWSClientAuth} returns: two options for graphql-ws `createClient`, and a subscribe that outlives a token.
 *
 * @example
 * ```ts
 * const auth: GraphQLWSClientAuth = createGraphQLWSClientAuth({ getAccessToken: logto.getAccessToken })
 * ```
 */
export interface GraphQLWSClientAuth {
  /** For `createClient({ connectionParams })`: `{ token }` at each (re)connect, a fresh one after the server refused the last. Rejects when no new token can be had, which ends the client (close 4005, not retried). */
  connectionParams(): Promise<{ token: string } | undefined>;
  /** For `createClient({ shouldRetry })`: reconnects after close 4403 (a refused token) with a fresh token; stops on 4401 and 4400; otherwise graphql-ws's own rule (retry close events). */
  shouldRetry(errOrCloseEvent: unknown): boolean;
  /**
   * `client.subscribe`, subscribed again once when the server ends it because
   * its token expired or was revoked (a last result with an `UNAUTHENTICATED`
   * error): after the server closes the old socket, over a new one with a fresh
   * token. If there is no fresh token, that last result and the end reach `sink`.
   */
  subscribe<TPayload, TResult extends GraphQLWSResult>(client: GraphQLWSClientLike<TPayload, TResult>, payload: TPayload, sink: GraphQLWSSink<TResult>): () => void;
}

const isAuthEnd = (result: GraphQLWSResult): boolean => result.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') === true;

/**
 * Token handling for a graphql-ws client: the token in `connectionParams` at
 * every (re)connect, a fresh one after close 4403, and subscriptions that go on
 * across token expiry. Never loops: a token is replaced at most once, and a
 * source that gives the refused token back ends the connection.
 *
 * @example
 * ```ts
 * import { createClient } from 'graphql-ws'
 * import LogtoClient from '@logto/browser'
 * import { createGraphQLWSClientAuth } from 'logto-authkit/client'
 *
 * declare const logto: LogtoClient
 * const auth = createGraphQLWSClientAuth({ getAccessToken: logto.getAccessToken, clearAccessToken: logto.clearAccessToken, resource: 'https://api.example.com' })
 * const client = createClient({ url: 'wss://api.example.com/graphql', connectionParams: auth.connectionParams, shouldRetry: auth.shouldRetry })
 * auth.subscribe(client, { query: 'subscription { ticks }' }, { next: console.log, error: console.error, complete: () => undefined })
 * ```
 */
export function createGraphQLWSClientAuth(source: TokenSource): GraphQLWSClientAuth {
  const tokens = createTokenReader(source);
  let sent: string | null = null;
  let refused: { token: string | null } | undefined;

  return {
    async connectionParams() {
      const replace = refused;
      refused = undefined;
      const token = replace ? await tokens.fresh(replace.token) : await tokens.current();
      if (replace && token === null) throw new Error('logto-authkit/client: the server refused the access token and no new one could be had');
      sent = token;
      return token ? { token } : undefined;
    },
    shouldRetry(errOrCloseEvent) {
      const code = closeCode(errOrCloseEvent);
      if (code === CLOSE_UNAUTHORIZED || code === CLOSE_BAD_REQUEST) return false;
      if (code === CLOSE_FORBIDDEN) refused = { token: sent };
      return code !== undefined;
    },
    subscribe<TPayload, TResult extends GraphQLWSResult>(client: GraphQLWSClientLike<TPayload, TResult>, payload: TPayload, sink: GraphQLWSSink<TResult>) {
      let dispose: (() => void) | undefined;
      let stopped = false;
      let lastRefused: string | null | undefined;
      const start = (): void => {
        let ended: TResult | undefined;
        let endedWith: string | null = null;
        dispose = client.subscribe(payload, {
          next(result) {
            // Only a refused token is worth replacing, and each one once.
            if (isAuthEnd(result) && sent !== null && sent !== lastRefused) {
              ended = result;
              endedWith = sent;
              refused = { token: sent };
              return;
            }
            sink.next(result);
          },
          error: (error) => sink.error(error),
          complete() {
            if (!ended || stopped) return sink.complete();
            const last = ended;
            lastRefused = endedWith;
            // The server closes the socket right after; subscribing before that would reuse its dead token.
            let closed = false;
            let fresh: string | null | undefined;
            const proceed = (): void => {
              if (stopped || fresh === undefined) return;
              if (fresh === null) {
                off();
                sink.next(last);
                sink.complete();
              } else if (closed) start();
            };
            const off = client.on('closed', () => {
              off();
              closed = true;
              proceed();
            });
            tokens.fresh(endedWith).then(
              (token) => {
                fresh = token;
                proceed();
              },
              (error: unknown) => {
                off();
                if (!stopped) sink.error(error);
              },
            );
          },
        });
      };
      start();
      return () => {
        stopped = true;
        dispose?.();
      };
    },
  };
}
