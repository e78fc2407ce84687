import type { TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import type { Unsubscribable } from '@trpc/server/observable';
import { CLOSE_BAD_REQUEST, CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED } from './close-codes.js';
import { createObservable } from './observable.js';
import { createTokenReader } from './token-refresh.js';
import type { TokenSource } from './types.js';

/** The part of tRPC's `createWSClient()` result the link reads: its current socket, to close it so it reconnects with a fresh token.
 *
 * @example
 * ```ts
 * const wsClient = createWSClient({ url, connectionParams: auth.connectionParams })
 * const links = [auth.link({ wsClient }), wsLink({ client: wsClient })]
 * ```
 */
export interface TRPCWSClientLike {
  readonly connection: { readonly ws: { close(): void } | null | undefined } | null;
}

/** Options of {@link TRPCClientAuth.link}.
 *
 * @example
 * ```ts
 * const wsClient = createWSClient({ url, connectionParams: auth.connectionParams })
 * const links = [auth.link({ wsClient }), wsLink({ client: wsClient })]
 * ```
 */
export interface TRPCAuthLinkOptions {
  /**
   * The `createWSClient()` the operations go through, if they use `wsLink`: its
   * socket carries the token of its `connectionParams`, so after a refusal the
   * link closes it and tRPC reconnects with a fresh token.
   * @default undefined (HTTP links: the next request reads `headers`/`connectionParams` again)
   */
  wsClient?: TRPCWSClientLike;
}

/** What {@link createTRPCClientAuth} returns.
 *
 * @example
 * ```ts
 * const wsClient = createWSClient({ url, connectionParams: auth.connectionParams })
 * const links = [auth.link({ wsClient }), wsLink({ client: wsClient })]
 * ```
 */
export interface TRPCClientAuth {
  /** For `createWSClient({ connectionParams })` and `httpSubscriptionLink({ connectionParams })`: `{ token }` at each (re)connect, a fresh one after a refusal. */
  connectionParams(): Promise<{ token: string } | null>;
  /**
   * For `createWSClient({ onClose })`, which reconnects after every close: after
   * 4403 (a refused token) the reconnect sends a fresh token; after 4401 or 4400
   * (a new token changes nothing) `wsClient.close()` stops the reconnects.
   */
  onClose(cause: { code?: number } | undefined, wsClient?: { close(): unknown }): void;
  /** For `httpBatchLink({ headers })` / `httpLink`: `Authorization: Bearer …`, a fresh token after a refusal. */
  headers(): Promise<Record<string, string>>;
  /**
   * A link to put before the terminating link: an operation refused with
   * `UNAUTHORIZED` while a token was sent (it expired or was revoked) runs
   * again once with a fresh token; a subscription resumes from its last
   * tracked event id. The same token back, or a second refusal before the
   * operation delivered anything, reaches the caller: it never loops.
   */
  link<TRouter extends AnyTRPCRouter>(options?: TRPCAuthLinkOptions): TRPCLink<TRouter>;
}

const isUnauthorized = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { data?: { code?: unknown } | null }).data?.code === 'UNAUTHORIZED';

// As tRPC's retryLink: a tracked subscription resumes after the last event it delivered.
const withLastEventId = (input: unknown, lastEventId: string | undefined): unknown =>
  !lastEventId || (input != null && typeof input !== 'object') ? input : { ...(input ?? {}), lastEventId };

/**
 * Token handling for a tRPC client: `connectionParams` for `createWSClient` and
 * `httpSubscriptionLink`, `headers` for the HTTP links, and a link that runs an
 * operation refused for its token again, once, with a fresh one (over a new
 * socket for `wsLink`). For plain HTTP, `httpBatchLink({ fetch: createAuthFetch(…) })`
 * does the same at the fetch level. Use one per transport: it remembers the
 * token it last sent, which is the one a refusal is about.
 *
 * @example
 * ```ts
 * import { createTRPCClient, createWSClient, wsLink } from '@trpc/client'
 * import LogtoClient from '@logto/browser'
 * import { createTRPCClientAuth } from 'logto-authkit/client'
 * import type { AnyTRPCRouter } from '@trpc/server'
 *
 * declare const logto: LogtoClient
 * const auth = createTRPCClientAuth({ getAccessToken: logto.getAccessToken, clearAccessToken: logto.clearAccessToken, resource: 'https://api.example.com' })
 * const wsClient = createWSClient({ url: 'wss://api.example.com/trpc', connectionParams: auth.connectionParams, onClose: (cause) => auth.onClose(cause, wsClient) })
 * const client = createTRPCClient<AnyTRPCRouter>({ links: [auth.link({ wsClient }), wsLink({ client: wsClient })] })
 * ```
 */
export function createTRPCClientAuth(source: TokenSource): TRPCClientAuth {
  const tokens = createTokenReader(source);
  let sent: string | null = null;
  let refused: string | null | undefined;
  let closedFor: string | undefined;

  const token = async (): Promise<string | null> => {
    const replace = refused;
    refused = undefined;
    sent = replace === undefined ? await tokens.current() : ((await tokens.fresh(replace)) ?? (await tokens.current()));
    return sent;
  };

  return {
    async connectionParams() {
      const value = await token();
      return value ? { token: value } : null;
    },
    onClose(cause, wsClient) {
      const code = cause?.code;
      if (code === CLOSE_FORBIDDEN) refused = sent;
      else if (code === CLOSE_UNAUTHORIZED || code === CLOSE_BAD_REQUEST) void wsClient?.close();
    },
    async headers(): Promise<Record<string, string>> {
      const value = await token();
      return value ? { authorization: `Bearer ${value}` } : {};
    },
    link<TRouter extends AnyTRPCRouter>({ wsClient }: TRPCAuthLinkOptions = {}): TRPCLink<TRouter> {
      return () =>
        ({ op, next }) =>
          createObservable((observer) => {
            let inner: Unsubscribable | undefined;
            let stopped = false;
            let lastEventId: string | undefined;
            // One retry until the operation delivers again: a subscription outlives many tokens, a refusal loop none.
            let retried = false;
            const attempt = (): void => {
              inner = next({ ...op, input: withLastEventId(op.input, lastEventId) }).subscribe({
                next(envelope) {
                  const { result } = envelope;
                  if (!('type' in result) || result.type === undefined || result.type === 'data') retried = false;
                  if ((!('type' in result) || result.type === undefined || result.type === 'data') && 'id' in result && typeof result.id === 'string') lastEventId = result.id;
                  observer.next(envelope);
                },
                error(error) {
                  const refusedToken = sent;
                  if (stopped || retried || !isUnauthorized(error) || refusedToken === null) return observer.error(error);
                  retried = true;
                  tokens.fresh(refusedToken).then(
                    (fresh) => {
                      if (stopped) return;
                      if (fresh === null) return observer.error(error);
                      refused = refusedToken;
                      // One close per refused token: every operation on that socket was refused with it.
                      if (wsClient && closedFor !== refusedToken) {
                        closedFor = refusedToken;
                        wsClient.connection?.ws?.close();
                      }
                      attempt();
                    },
                    () => observer.error(error),
                  );
                },
                complete: () => observer.complete(),
              });
            };
            attempt();
            return () => {
              stopped = true;
              inner?.unsubscribe();
            };
          });
    },
  };
}
