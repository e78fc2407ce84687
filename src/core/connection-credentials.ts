/**
 * The credentials of a long-lived connection (a WebSocket, or an SSE stream
 * with `connectionParams`): one contract for every adapter, so a client that
 * works with tRPC's wsLink works with graphql-ws too.
 */
import type { AuthContext } from './context.js';
import type { AuthKit } from './kit.js';
import type { AuthInput, NodeRequestLike } from './request.js';
import { refusal } from './errors.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The upgrade request of a WebSocket as the kit should judge it: as a
 * state-changing request. RFC 6455 §10.2: browsers let any page open a
 * WebSocket with the user's cookies and CORS does not apply; the handshake is
 * a GET, which the CSRF rule lets through, but the socket then accepts
 * mutations. Judged as a POST, a cookie on it has its `Origin` checked.
 * `undefined` when `request` has no headers.
 *
 * @example
 * ```ts
 * const auth = await kit.createAuthContext(upgradeRequestInput(ctx.extra.request) ?? '')
 * ```
 */
export function upgradeRequestInput(request: unknown): NodeRequestLike | undefined {
  if (!isObject(request) || !isObject(request.headers)) return undefined;
  const view: NodeRequestLike = { headers: request.headers as NodeRequestLike['headers'], method: 'POST' };
  if (Array.isArray(request.rawHeaders)) view.rawHeaders = request.rawHeaders.filter((v): v is string => typeof v === 'string');
  if (typeof request.url === 'string') view.url = request.url;
  if (isObject(request.socket)) view.socket = { encrypted: request.socket.encrypted === true };
  return view;
}

/**
 * The context of a connection whose credentials are malformed: what the kit
 * gives a caller without a token (guest or anonymous, as configured), carrying
 * `invalid_token` with `message`. The one way every adapter refuses them.
 *
 * @example
 * ```ts
 * const auth = await refusedConnectionContext(kit, 'connectionParams must be an object')
 * ```
 */
export async function refusedConnectionContext<TClaims>(kit: AuthKit<TClaims>, message: string): Promise<AuthContext<TClaims>> {
  const base = await kit.createAuthContext('');
  const error = refusal('malformed_connection_params', { message });
  return base.status === 'authenticated' ? base : { ...base, error };
}

/** What {@link createConnectionAuthContext} reads. */
export interface ConnectionCredentials {
  /** The client's `connectionParams` (tRPC wsLink / httpSubscriptionLink, graphql-ws `connection_init`). @default undefined */
  connectionParams?: unknown;
  /** Where the token comes from when `connectionParams` carry none: for a WebSocket, {@link upgradeRequestInput} of the upgrade request. @default undefined */
  request?: AuthInput | undefined;
}

/**
 * The auth context of a connection. The token comes from `connectionParams`:
 * `{ token: '<jwt>' }`, or `{ authorization: 'Bearer <jwt>' }` (RFC 6750 §2.1,
 * as the header would carry it); else from `request` (cookie or
 * `Authorization` header). `connectionParams` that are not an object, or a
 * `token`/`authorization` that is not a string, are refused with
 * `invalid_token`, never thrown.
 *
 * @example
 * ```ts
 * const auth = await createConnectionAuthContext(kit, { connectionParams: ctx.connectionParams, request: upgradeRequestInput(ctx.extra.request) })
 * ```
 */
export async function createConnectionAuthContext<TClaims>(kit: AuthKit<TClaims>, { connectionParams, request }: ConnectionCredentials): Promise<AuthContext<TClaims>> {
  if (connectionParams !== undefined && connectionParams !== null) {
    if (!isObject(connectionParams) || Array.isArray(connectionParams)) return refusedConnectionContext(kit, 'connectionParams must be an object');
    if (connectionParams.token !== undefined) {
      const token = connectionParams.token;
      return typeof token === 'string' ? kit.createAuthContext(token) : refusedConnectionContext(kit, 'connectionParams.token must be a string');
    }
    const authorization = connectionParams.authorization ?? connectionParams.Authorization;
    if (authorization !== undefined) {
      if (typeof authorization !== 'string') return refusedConnectionContext(kit, 'connectionParams.authorization must be a string');
      return kit.createAuthContext({ headers: { authorization } });
    }
  }
  return kit.createAuthContext(request ?? '');
}
