/**
 * The one error class of the library and the one table that gives each error
 * code its HTTP meaning. Every adapter translates through {@link describeAuthError};
 * none keeps its own mapping.
 */

import { DEFAULT_REFUSAL_REASON, REFUSAL_REASONS, type RefusalReason } from './refusal-reasons.js';
import { markResourceMetadata, resourceMetadataOf } from './resource-challenge.js';

/** Every reason a request can be refused. A stable string-literal union. */
export type AuthErrorCode =
  | 'invalid_request'
  | 'missing_token'
  | 'invalid_token'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_too_old'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'invalid_claims'
  | 'token_revoked'
  | 'insufficient_scope'
  | 'csrf_rejected'
  | 'guest_not_allowed'
  | 'organization_mismatch'
  | 'policy_denied'
  | 'policy_error'
  | 'jwks_unavailable'
  | 'revocation_unavailable';

/** tRPC error codes the table maps to (a subset of `TRPC_ERROR_CODE_KEY`). */
export type AuthTRPCCode = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'INTERNAL_SERVER_ERROR' | 'SERVICE_UNAVAILABLE';

/** GraphQL `extensions.code` values the table maps to. */
export type AuthGraphQLCode = 'BAD_REQUEST' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INTERNAL_SERVER_ERROR' | 'SERVICE_UNAVAILABLE';

/** The HTTP statuses of the table. */
export type AuthErrorStatus = 400 | 401 | 403 | 500 | 503;

/** One row of the error table. */
export interface AuthErrorMeaning {
  /** HTTP status. */
  status: AuthErrorStatus;
  /** The RFC 6750 §3.1 `error` attribute, or `null` when the header carries none. */
  bearerError: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | null;
  /** Whether a `WWW-Authenticate` challenge belongs on the response. */
  challenge: boolean;
  /** tRPC error code. */
  trpc: AuthTRPCCode;
  /** GraphQL `extensions.code`. */
  graphql: AuthGraphQLCode;
}

const unauthenticated = (bearerError: 'invalid_token' | null): AuthErrorMeaning => ({
  status: 401,
  bearerError,
  challenge: true,
  trpc: 'UNAUTHORIZED',
  graphql: 'UNAUTHENTICATED',
});

/**
 * The error table. An identity-provider outage is 503 and never
 * carries `invalid_token`: clients that see `invalid_token` sign their users out.
 */
export const AUTH_ERROR_TABLE: Readonly<Record<AuthErrorCode, AuthErrorMeaning>> = Object.freeze({
  // RFC 6750 §3.1: a malformed request (two credentials, a broken Authorization header) is 400 invalid_request.
  invalid_request: { status: 400, bearerError: 'invalid_request', challenge: true, trpc: 'BAD_REQUEST', graphql: 'BAD_REQUEST' },
  missing_token: unauthenticated(null), // RFC 6750 §3.1: no error code when no credentials were sent
  guest_not_allowed: unauthenticated(null),
  invalid_token: unauthenticated('invalid_token'),
  token_expired: unauthenticated('invalid_token'),
  token_not_yet_valid: unauthenticated('invalid_token'),
  token_too_old: unauthenticated('invalid_token'),
  invalid_issuer: unauthenticated('invalid_token'),
  invalid_audience: unauthenticated('invalid_token'),
  invalid_claims: unauthenticated('invalid_token'),
  token_revoked: unauthenticated('invalid_token'),
  insufficient_scope: { status: 403, bearerError: 'insufficient_scope', challenge: true, trpc: 'FORBIDDEN', graphql: 'FORBIDDEN' },
  csrf_rejected: { status: 403, bearerError: null, challenge: false, trpc: 'FORBIDDEN', graphql: 'FORBIDDEN' },
  policy_denied: { status: 403, bearerError: null, challenge: false, trpc: 'FORBIDDEN', graphql: 'FORBIDDEN' },
  // A policy that throws (its database is down) is a server fault, never "forbidden".
  policy_error: { status: 500, bearerError: null, challenge: false, trpc: 'INTERNAL_SERVER_ERROR', graphql: 'INTERNAL_SERVER_ERROR' },
  organization_mismatch: { status: 403, bearerError: null, challenge: false, trpc: 'FORBIDDEN', graphql: 'FORBIDDEN' },
  jwks_unavailable: { status: 503, bearerError: null, challenge: false, trpc: 'SERVICE_UNAVAILABLE', graphql: 'SERVICE_UNAVAILABLE' },
  // The revocation store cannot answer (e.g. Redis down with onStoreError 'deny'): an outage, not a bad token.
  revocation_unavailable: { status: 503, bearerError: null, challenge: false, trpc: 'SERVICE_UNAVAILABLE', graphql: 'SERVICE_UNAVAILABLE' },
});

/** Options of the {@link AuthError} constructor. */
export interface AuthErrorOptions {
  /** The underlying error (kept as `cause`, never copied into the message). */
  cause?: unknown;
  /** Scopes the request lacked (for `insufficient_scope`). */
  requiredScopes?: readonly string[];
  /** The realm for the `WWW-Authenticate` challenge. @default 'api' */
  realm?: string;
  /** Seconds after which a retry may succeed (an outage); rounded up to a whole second of at least 1. */
  retryAfter?: number;
  /** The check that refused (see `REFUSAL_REASONS`). @default the general reason of the code */
  reason?: RefusalReason;
  /**
   * The RFC 9728 metadata URL for the challenge's `resource_metadata` parameter. Errors a kit hands
   * out get its `resourceMetadataUrl` option without this. @default undefined
   */
  resourceMetadata?: string;
}

/**
 * Why a request was refused. `message` is safe to show a client: it never
 * contains the token, its payload, or the expected issuer/audience. A refusal
 * that says nothing of its token (a malformed one, an unknown kid) may be one
 * frozen instance shared by the requests refused for that reason: wrap an
 * AuthError (as `cause`) rather than write to it.
 *
 * @example
 * ```ts
 * try { await kit.verifyToken(token) } catch (e) {
 *   if (e instanceof AuthError) res.status(e.status).set('WWW-Authenticate', e.wwwAuthenticate ?? '')
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** Stable code; see the table in the README. */
  readonly code: AuthErrorCode;
  /** Which check refused, finer than `code` (e.g. `opaque_token`, `audience_mismatch`); safe to show a client. */
  readonly reason: RefusalReason;
  /** HTTP status for this code. */
  readonly status: AuthErrorStatus;
  /** Scopes that were required (for `insufficient_scope`). */
  readonly requiredScopes: readonly string[] | undefined;
  /** Seconds after which a retry may succeed, for a 503; sent as `Retry-After` (RFC 9110 §10.2.3). */
  readonly retryAfter: number | undefined;
  readonly #realm: string;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    // An AuthError is the expected answer to a bad request, not a bug: its
    // stack says nothing useful and capturing it was most of the cost of
    // refusing a flood of forged tokens. Causes keep their own stacks.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message, options.cause === undefined ? undefined : { cause: options.cause });
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.code = code;
    this.reason = options.reason ?? DEFAULT_REFUSAL_REASON[code];
    this.status = AUTH_ERROR_TABLE[code].status;
    this.requiredScopes = options.requiredScopes;
    const { retryAfter } = options;
    this.retryAfter = typeof retryAfter === 'number' && retryAfter > 0 && Number.isFinite(retryAfter) ? Math.max(1, Math.ceil(retryAfter)) : undefined;
    this.#realm = options.realm ?? 'api';
    markResourceMetadata(this, options.resourceMetadata);
  }

  /** RFC 6750 `WWW-Authenticate` value, when the code calls for a challenge (built on first read). */
  get wwwAuthenticate(): string | undefined {
    const meaning = AUTH_ERROR_TABLE[this.code];
    return meaning.challenge ? buildWWWAuthenticate(meaning.bearerError, this.message, this.#realm, this.requiredScopes, resourceMetadataOf(this)) : undefined;
  }

  /** The table row for this error's code. */
  get meaning(): AuthErrorMeaning {
    return AUTH_ERROR_TABLE[this.code];
  }
}

/** Whether `value` is an {@link AuthError} (works across duplicated installs). */
export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError || (value instanceof Error && value.name === 'AuthError' && 'code' in value && typeof value.code === 'string' && value.code in AUTH_ERROR_TABLE);
}

/**
 * The refusal for `reason`: its code, and its plain-words description as the
 * message unless `message` is given (a description with specifics, e.g. the scopes).
 *
 * @example
 * ```ts
 * throw refusal('opaque_token') // AuthError invalid_token: 'this is an opaque token, not a JWT: …'
 * ```
 */
export function refusal(reason: RefusalReason, options: AuthErrorOptions & { message?: string } = {}): AuthError {
  const { code, description } = REFUSAL_REASONS[reason];
  return new AuthError(code, options.message ?? description, { ...options, reason });
}

/**
 * A memo of refusals that carry nothing of the token they refuse (its shape, a header field, a kid
 * the key set lacks): one frozen {@link AuthError} per reason, made on first use, so refusing a
 * flood of garbage builds no Error per token. Each kit keeps its own (what a kit marks on its
 * errors, like `resource_metadata`, is the same for every error it hands out). Frozen, since one
 * instance reaches many requests: a handler that writes to it fails loudly instead of leaking into
 * the next request's refusal.
 *
 * @example
 * ```ts
 * const shared = createSharedRefusals()
 * throw shared('malformed_token') // the same frozen AuthError every time
 * ```
 */
export function createSharedRefusals(): (reason: RefusalReason) => AuthError {
  const made = new Map<RefusalReason, AuthError>();
  return (reason) => {
    const known = made.get(reason);
    if (known !== undefined) return known;
    const error = refusal(reason);
    Object.freeze(error);
    made.set(reason, error);
    return error;
  };
}

/** The table row of a code. */
export function describeAuthError(code: AuthErrorCode): AuthErrorMeaning {
  return AUTH_ERROR_TABLE[code];
}

// RFC 6750 §3: auth-param values are quoted-strings; strip what cannot be
// quoted (RFC 7230 §3.2.6 qdtext) rather than let a message break the header.
function quote(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, ' ').replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function buildWWWAuthenticate(
  bearerError: AuthErrorMeaning['bearerError'],
  description: string,
  realm: string,
  scopes: readonly string[] | undefined,
  resourceMetadata: string | undefined,
): string {
  const params = [`realm=${quote(realm)}`];
  if (bearerError) {
    params.push(`error=${quote(bearerError)}`, `error_description=${quote(description)}`);
    if (bearerError === 'insufficient_scope' && scopes && scopes.length > 0) params.push(`scope=${quote(scopes.join(' '))}`);
  }
  // RFC 9728 §5.1: where the client finds the authorization server (MCP clients require it on 401).
  if (resourceMetadata !== undefined) params.push(`resource_metadata=${quote(resourceMetadata)}`);
  return `Bearer ${params.join(', ')}`;
}
