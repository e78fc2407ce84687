import { resolveKit, type AuthenticatedContext, type KitOrOptions } from 'logto-authkit';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { toOAuthError } from './errors.js';

/** Options of {@link createMcpTokenVerifier}. */
export interface McpTokenVerifierOptions<TClaims = Record<string, unknown>> {
  /** More entries for `AuthInfo.extra`, from the verified context (`auth` is always there). @default undefined */
  extra?: (auth: AuthenticatedContext<TClaims>) => Record<string, unknown>;
}

const contexts = new WeakMap<AuthInfo, AuthenticatedContext<unknown>>();
const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

// RFC 8707: the token's `aud` is the resource it was issued for; the SDK compares it with
// `expectedResource`. Only an http(s) audience the kit accepted names a resource (an
// organization token's `urn:logto:organization:…` does not).
function resourceOf(payload: Readonly<Record<string, unknown>>, audiences: readonly string[]): URL | undefined {
  const aud = Array.isArray(payload.aud) ? (payload.aud as unknown[]) : [payload.aud];
  const match = aud.find((value): value is string => typeof value === 'string' && audiences.includes(value) && isHttpUrl(value));
  return match === undefined ? undefined : new URL(match);
}

/**
 * An `OAuthTokenVerifier` for `@modelcontextprotocol/sdk`'s `requireBearerAuth`: the kit
 * verifies the token (signature, issuer, audience, expiry with the kit's clock, revocation,
 * `requiredScope`) and the answer is the SDK's `AuthInfo` — `token`, `clientId` (Logto's
 * `client_id` claim; `''` if absent), `scopes`, `expiresAt` (seconds), `resource` (the `aud`
 * when it is a URL), and the kit's context as `extra.auth`. Refusals become the SDK's error
 * classes (see `toOAuthError`): 401, 403, 400, and 500 for an outage. Messages never carry the token.
 *
 * @param kitOrOptions A kit from `createAuthKit`, or its options (then the kit is shared per options).
 * @example
 * ```ts
 * const verifier = createMcpTokenVerifier(kit)
 * app.post('/mcp', requireBearerAuth({ verifier, resourceMetadataUrl }), handleMcp)
 * ```
 */
export function createMcpTokenVerifier<TClaims = Record<string, unknown>>(kitOrOptions: KitOrOptions<TClaims>, options: McpTokenVerifierOptions<TClaims> = {}): OAuthTokenVerifier {
  const kit = resolveKit(kitOrOptions);
  if (typeof options !== 'object' || options === null) throw new TypeError('logto-authkit/mcp: createMcpTokenVerifier() options must be an object');
  const unknown = Object.keys(options).filter((key) => key !== 'extra');
  if (unknown.length > 0) throw new TypeError(`logto-authkit/mcp: createMcpTokenVerifier() has unknown option(s) ${unknown.join(', ')}`);
  if (options.extra !== undefined && typeof options.extra !== 'function') throw new TypeError('logto-authkit/mcp: option "extra" must be a function');
  const { extra } = options;
  return {
    async verifyAccessToken(token) {
      let auth: AuthenticatedContext<TClaims>;
      try {
        auth = await kit.verifyToken(token);
      } catch (error) {
        throw toOAuthError(error);
      }
      const resource = resourceOf(auth.payload, kit.options.audiences);
      const info: AuthInfo = {
        token: auth.token,
        clientId: auth.clientId ?? '',
        scopes: [...auth.scopes],
        expiresAt: Math.floor(auth.expiresAt.getTime() / 1000),
        ...(resource ? { resource } : {}),
        extra: { ...extra?.(auth), auth },
      };
      contexts.set(info, auth);
      return info;
    },
  };
}

/**
 * The kit's verified context behind an `AuthInfo` this verifier made (an MCP tool handler's
 * `extra.authInfo`), or `undefined` for any other value.
 *
 * @example
 * ```ts
 * server.registerTool('whoami', { description: 'Who am I' }, (_args, { authInfo }) => ({ content: [{ type: 'text', text: authContextOf(authInfo)?.userId ?? 'nobody' }] }))
 * ```
 */
export function authContextOf<TClaims = Record<string, unknown>>(authInfo: AuthInfo | undefined): AuthenticatedContext<TClaims> | undefined {
  return authInfo === undefined ? undefined : (contexts.get(authInfo) as AuthenticatedContext<TClaims> | undefined);
}
