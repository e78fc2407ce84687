/**
 * WebSocket close codes of the graphql-ws protocol (GraphQL over WebSocket,
 * `graphql-transport-ws`), as the kit's servers use them.
 */

/** `Forbidden`: the server refused the connection's token (expired, revoked, invalid). A new token may be let in.
 * @example
 * ```ts
 * if (closeEvent.code === CLOSE_FORBIDDEN) stop()
 * ```
 */
export const CLOSE_FORBIDDEN = 4403;
/** `Unauthorized`: the client sent an operation before `connection_ack`; a new token changes nothing.
 * @example
 * ```ts
 * if (closeEvent.code === CLOSE_UNAUTHORIZED) stop()
 * ```
 */
export const CLOSE_UNAUTHORIZED = 4401;
/** `BadRequest`: the server could not read a message.
 * @example
 * ```ts
 * if (closeEvent.code === CLOSE_BAD_REQUEST) stop()
 * ```
 */
export const CLOSE_BAD_REQUEST = 4400;

/**
 * The `code` of a close event, when `value` looks like one (graphql-ws hands errors and close events to the same hook).
 *
 * @example
 * ```ts
 * closeCode({ code: 4403, reason: 'token_expired' }) // 4403
 * ```
 */
export function closeCode(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value) || !('reason' in value)) return undefined;
  const { code } = value as { code: unknown };
  return typeof code === 'number' ? code : undefined;
}
