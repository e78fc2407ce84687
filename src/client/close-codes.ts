/**
 * WebSocket close codes of the graphql-ws protocol (GraphQL over WebSocket,
 * `graphql-transport-ws`), as the kit's servers use them.
 */

/** `Forbidden`: the server refused the connection's token (expired, revoked, invalid). A new token may be let in. */
export const CLOSE_FORBIDDEN = 4403;
/** `Unauthorized`: the client sent an operation before `connection_ack`; a new token changes nothing. */
export const CLOSE_UNAUTHORIZED = 4401;
/** `BadRequest`: the server could not read a message. */
export const CLOSE_BAD_REQUEST = 4400;

/** The `code` of a close event, when `value` looks like one (graphql-ws hands errors and close events to the same hook). */
export function closeCode(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value) || !('reason' in value)) return undefined;
  const { code } = value as { code: unknown };
  return typeof code === 'number' ? code : undefined;
}
