import { createConnectionAuthContext, upgradeRequestInput, type AuthContext, type AuthKit } from 'logto-authkit';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether a Yoga context was built for a graphql-ws operation (it carries graphql-ws's `connectionParams` / `extra`). */
export function isWebSocketContext(context: Record<string, unknown>): boolean {
  return 'connectionParams' in context || (isObject(context.extra) && 'socket' in context.extra);
}

/**
 * The auth context of a graphql-ws operation, by the contract tRPC's
 * WebSockets share: the token from `connectionParams` (`{ token }` or
 * `{ authorization: 'Bearer …' }`), else the upgrade request's cookie (its
 * `Origin` checked: the upgrade is judged as a state-changing request) or
 * `Authorization` header. Malformed `connectionParams` (not an object, a
 * token that is not a string) give a refused context with `invalid_token`;
 * nothing here throws for client input.
 *
 * @example
 * ```ts
 * const auth = await createWSAuthContext(kit, ctx.connectionParams, ctx.extra.request)
 * ```
 */
export function createWSAuthContext<TClaims>(kit: AuthKit<TClaims>, connectionParams: unknown, upgradeRequest: unknown): Promise<AuthContext<TClaims>> {
  return createConnectionAuthContext(kit, { connectionParams, request: upgradeRequestInput(upgradeRequest) });
}
