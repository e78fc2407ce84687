import { GraphQLError, type ASTNode } from 'graphql';
import { missingScopes, type AuthContext, type AuthError, type AuthErrorCode } from 'logto-authkit';

/** What `onDeny` receives for each refused field: enough for an audit log, never the token. */
export interface DenyEvent {
  /** Response path of the refused field, e.g. `['posts', 0, 'author']`. */
  path: readonly (string | number)[];
  /** The `AuthError` code, e.g. `'insufficient_scope'`. */
  code: AuthErrorCode;
  /** Scopes the field required (empty when it needed only a signed-in caller or a policy). */
  required: readonly string[];
  /** Scopes the caller had. */
  had: readonly string[];
  /** The caller's `sub`, or `null` when not authenticated. */
  userId: string | null;
}

/**
 * The `GraphQLError` of a refused field. It has no `originalError`, so Yoga's
 * default error masking passes it unchanged (a masked auth error would read
 * "Unexpected error." and a client could not tell it must sign in).
 *
 * @example
 * ```ts
 * if (error instanceof AuthGraphQLError) console.log(error.authError.code)
 * ```
 */
export class AuthGraphQLError extends GraphQLError {
  /** The core error this was translated from (its `wwwAuthenticate` feeds the HTTP challenge). */
  readonly authError: AuthError;

  constructor(authError: AuthError, options: { nodes?: readonly ASTNode[]; path?: readonly (string | number)[]; had?: readonly string[] } = {}) {
    const meaning = authError.meaning;
    const extensions: Record<string, unknown> = {
      code: meaning.graphql,
      // `reason` has carried the AuthError code since the first release and clients branch on it;
      // the finer check (`opaque_token`, `audience_mismatch`, ...) is `refusal`, beside it.
      reason: authError.code,
      refusal: authError.reason,
      http: { status: meaning.status },
    };
    if (authError.requiredScopes && authError.requiredScopes.length > 0) {
      extensions.requiredScopes = [...authError.requiredScopes];
      extensions.missingScopes = missingScopes(options.had ?? [], authError.requiredScopes);
    }
    super(authError.message, { nodes: options.nodes ?? null, path: options.path ?? null, extensions });
    this.authError = authError;
  }
}

/**
 * Translate an `AuthError` into the GraphQL error the table gives it:
 * `extensions.code` (`UNAUTHENTICATED`, `FORBIDDEN`, `SERVICE_UNAVAILABLE`),
 * `extensions.reason` (the `AuthError` code, e.g. `invalid_audience`),
 * `extensions.refusal` (the finer `RefusalReason`, e.g. `organization_token`),
 * `extensions.http.status`, and for `FORBIDDEN` `requiredScopes` / `missingScopes`.
 *
 * @example
 * ```ts
 * throw toGraphQLError(new AuthError('missing_token', 'no access token was presented'))
 * ```
 */
export function toGraphQLError(error: AuthError, auth?: AuthContext<unknown>, location: { nodes?: readonly ASTNode[]; path?: readonly (string | number)[] } = {}): AuthGraphQLError {
  return new AuthGraphQLError(error, { ...location, had: auth?.scopes ?? [] });
}

/**
 * The `AuthGraphQLError` behind `error` (itself, or its `originalError`), if any.
 *
 * @example
 * ```ts
 * const denial = findAuthGraphQLError(result.errors?.[0])
 * ```
 */
export function findAuthGraphQLError(error: unknown): AuthGraphQLError | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof AuthGraphQLError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

// The plugin leaves its `onDeny` on the context under this key; the directive calls it.
const DENY = Symbol.for('logto-authkit.graphql.onDeny');

/** Attach a deny listener to a context object (done by `useLogtoAuth`). */
export function denyListenerEntry(listener: (event: DenyEvent) => void): Record<symbol, unknown> {
  return { [DENY]: listener };
}

/** Tell the context's deny listener, if any. A throwing listener never changes the outcome. */
export function reportDenial(context: unknown, event: DenyEvent): void {
  if (typeof context !== 'object' || context === null) return;
  const listener: unknown = (context as Record<symbol, unknown>)[DENY];
  if (typeof listener !== 'function') return;
  try {
    listener(event);
  } catch {
    // An audit hook that fails must not turn a clean 401/403 into a 500.
  }
}
