import type { ExecutionResult } from 'graphql';
import { createLiveAuthorization, untilAuthorizationEnds, type AuthContext, type LiveAuthorizationSource } from 'logto-authkit';
import { toGraphQLError } from './errors.js';

/**
 * End a subscription stream when its authorization ends: at the token's
 * `exp + clockTolerance` (RFC 6750 §3.1: an expired token no longer
 * authorizes anything, the subscription included), or when its subject is
 * revoked (back-channel logout). The last event carries an `UNAUTHENTICATED`
 * error with reason `token_expired` or `token_revoked`, so the client knows to
 * refresh (or sign in) and subscribe again. Over graphql-ws and SSE alike.
 *
 * @example
 * ```ts
 * setResult(endWithAuthorization(stream, kit, auth))
 * ```
 */
export async function* endWithAuthorization<T extends ExecutionResult>(source: AsyncIterable<T>, kit: LiveAuthorizationSource, auth: AuthContext<unknown>): AsyncGenerator<T | ExecutionResult, void, undefined> {
  // Watched from the first pull: a stream dropped before it starts never runs `finally`, and would leak the watch.
  const reason = yield* untilAuthorizationEnds(source, createLiveAuthorization(kit, auth));
  if (reason) yield { errors: [toGraphQLError(reason)] };
}
