import { AuthError, type AuthContext, type AuthKit, type NodeRequestLike } from 'logto-authkit';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const none: readonly string[] = Object.freeze([]);

// What the kit itself returns for a refused request, for refusals found before the kit is asked.
function anonymous<TClaims>(error: AuthError): AuthContext<TClaims> {
  return { status: 'anonymous', isAuthenticated: false, isGuest: false, userId: null, guestId: undefined, payload: null, scopes: none, hasScopes: (...s: string[]) => s.length === 0, hasOrganization: () => false, error };
}

/** Whether a Yoga context was built for a graphql-ws operation (it carries graphql-ws's `connectionParams` / `extra`). */
export function isWebSocketContext(context: Record<string, unknown>): boolean {
  return 'connectionParams' in context || (isObject(context.extra) && 'socket' in context.extra);
}

// The upgrade is a GET, which the CSRF rule lets through; but a socket accepts
// mutations, so a cookie on a cross-site upgrade (cross-site WebSocket hijacking)
// is held to the rule of unsafe methods.
function upgradeView(request: unknown): NodeRequestLike | undefined {
  if (!isObject(request) || !isObject(request.headers)) return undefined;
  const view: NodeRequestLike = { headers: request.headers as NodeRequestLike['headers'], method: 'POST' };
  if (Array.isArray(request.rawHeaders)) view.rawHeaders = request.rawHeaders.filter((v): v is string => typeof v === 'string');
  if (typeof request.url === 'string') view.url = request.url;
  if (isObject(request.socket)) view.socket = { encrypted: request.socket.encrypted === true };
  return view;
}

/**
 * The auth context of a graphql-ws operation: the token from `connectionParams`
 * (`{ token }` or `{ authorization: 'Bearer …' }`), else the upgrade request's
 * cookie or `Authorization` header. Malformed `connectionParams` (not an object,
 * a token that is not a string) give an anonymous context with `invalid_token`;
 * nothing here throws for client input.
 *
 * @example
 * ```ts
 * const auth = await createWSAuthContext(kit, ctx.connectionParams, ctx.extra.request)
 * ```
 */
export async function createWSAuthContext<TClaims>(kit: AuthKit<TClaims>, connectionParams: unknown, upgradeRequest: unknown): Promise<AuthContext<TClaims>> {
  if (connectionParams !== undefined && connectionParams !== null) {
    if (!isObject(connectionParams) || Array.isArray(connectionParams)) {
      return anonymous(new AuthError('invalid_token', 'connectionParams must be an object'));
    }
    if ('token' in connectionParams) {
      const token = connectionParams.token;
      if (typeof token !== 'string') return anonymous(new AuthError('invalid_token', 'connectionParams.token must be a string'));
      return kit.createAuthContext(token);
    }
    const authorization = connectionParams.authorization ?? connectionParams.Authorization;
    if (authorization !== undefined) {
      if (typeof authorization !== 'string') return anonymous(new AuthError('invalid_token', 'connectionParams.authorization must be a string'));
      return kit.createAuthContext({ headers: { authorization } });
    }
  }
  const view = upgradeView(upgradeRequest);
  return view ? kit.createAuthContext(view) : anonymous(new AuthError('missing_token', 'no access token was presented'));
}
