import { isAuthError } from 'logto-authkit';
import { InsufficientScopeError, InvalidRequestError, InvalidTokenError, ServerError, type OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

// The SDK writes messages into `WWW-Authenticate` between quotes without escaping them
// (bearerAuth.js): a quote or backslash would end the quoted-string early, and a non-ASCII
// character makes Node's setHeader throw. Keep printable ASCII without `"` and `\`.
const headerSafe = (message: string): string => message.replace(/[^\x20-\x7e]/g, ' ').replace(/["\\]/g, '');

/**
 * The SDK error class `requireBearerAuth` answers as the kit's error table means it: 401
 * `invalid_token` for a bad token, 403 `insufficient_scope`, 400 `invalid_request`, and
 * `ServerError` (500) for an outage (`jwks_unavailable`, `revocation_unavailable`): the SDK's
 * middleware has no 503, and an outage must never read as a bad token, which makes MCP clients
 * throw the user's tokens away. The AuthError is kept as `cause`; a non-AuthError is returned
 * as it is (the SDK answers it with 500).
 *
 * @example
 * ```ts
 * try { await kit.verifyToken(token) } catch (error) { throw toOAuthError(error) }
 * ```
 */
export function toOAuthError(error: unknown): OAuthError | unknown {
  if (!isAuthError(error)) return error;
  const message = headerSafe(error.message);
  const translated = oauthErrorFor(error.status, message);
  translated.cause = error;
  return translated;
}

function oauthErrorFor(status: number, message: string): OAuthError {
  if (status === 401) return new InvalidTokenError(message);
  if (status === 403) return new InsufficientScopeError(message);
  if (status === 400) return new InvalidRequestError(message);
  return new ServerError(message);
}
