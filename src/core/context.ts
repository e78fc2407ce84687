import type { AuthError } from './errors.js';

/** Fields every {@link AuthContext} variant has, so they can be read before narrowing on `status`. */
interface AuthContextBase {
  /** Scopes granted by the token (empty for guests and anonymous callers). */
  scopes: readonly string[];
  /** Whether the token grants every one of `scopes` (whole-word match). */
  hasScopes(...scopes: string[]): boolean;
  /** Whether the token belongs to organization `id`. */
  hasOrganization(id: string): boolean;
}

/**
 * A caller whose access token verified.
 *
 * @example
 * ```ts
 * if (auth.status === 'authenticated') console.log(auth.userId, auth.scopes)
 * ```
 */
export interface AuthenticatedContext<TClaims = Record<string, unknown>> extends AuthContextBase {
  status: 'authenticated';
  isAuthenticated: true;
  isGuest: false;
  /** The token's `sub`. */
  userId: string;
  /** Always `undefined` for an authenticated caller (kept so every variant has the same fields). */
  guestId: undefined;
  /** The token's `client_id` (Logto always sets it), or `undefined`. */
  clientId: string | undefined;
  /** Every claim of the token. */
  payload: Readonly<Record<string, unknown>>;
  /** Custom claims parsed by the `claims` schema (the payload when none is given). */
  claims: TClaims;
  /** `organization_id`, or the id from an organization token's `aud`. */
  organizationId: string | undefined;
  /** Whether this is a Logto organization token (`aud = urn:logto:organization:<id>`). */
  isOrganizationToken: boolean;
  /** The raw access token (to forward to another API). */
  token: string;
  /** When the token expires. */
  expiresAt: Date;
  /** Machine-to-machine token (`sub === client_id`). */
  isMachine: boolean;
  error?: undefined;
}

/** An unauthenticated caller let in as a guest (`allowGuest: true`). */
export interface GuestContext extends AuthContextBase {
  status: 'guest';
  isAuthenticated: false;
  isGuest: true;
  userId: null;
  /** From the guest cookie when it is a UUID, otherwise fresh. */
  guestId: string;
  /** The guest id was made for this request: set the guest cookie. */
  isNewGuest: boolean;
  payload: null;
  /** Why a presented token was refused, if one was. */
  error?: AuthError;
}

/** No usable token and no guest mode: carries the reason. */
export interface AnonymousContext extends AuthContextBase {
  status: 'anonymous';
  isAuthenticated: false;
  isGuest: false;
  userId: null;
  guestId: undefined;
  payload: null;
  /** Why the caller is not authenticated; throw it from a protected operation. */
  error: AuthError;
}

/**
 * The verified identity of a request: a union discriminated on `status`.
 *
 * @example
 * ```ts
 * const auth = await kit.createAuthContext(request)
 * if (auth.status !== 'authenticated') throw auth.status === 'anonymous' ? auth.error : new Error('guests cannot')
 * ```
 */
export type AuthContext<TClaims = Record<string, unknown>> = AuthenticatedContext<TClaims> | GuestContext | AnonymousContext;
