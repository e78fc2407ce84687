/**
 * What the verifier needs from a revocation store (back-channel logout).
 * Implementations: `createMemoryRevocationStore()` and, in
 * `logto-authkit/redis`, `createRedisRevocationStore()`.
 */

/**
 * One revocation: every token of `sub` from issuer `iss` issued before
 * `before` (ms since epoch) is refused. A subject id is unique per issuer
 * only (OpenID Connect Core §2), so one store shared by two tenants keeps
 * their users apart.
 */
export interface Revocation {
  /** The issuer (Logto tenant, `…/oidc`) whose subject this is. */
  iss: string;
  sub: string;
  /** Milliseconds since the epoch; tokens with `iat * 1000 < before` are revoked. */
  before: number;
}

/**
 * The subject under which a revocation of `sub` within one organization is
 * stored: every token of `sub` bound to `organizationId` (its
 * `organization_id` claim, or an organization token's
 * `urn:logto:organization:<id>` audience) issued before `before` is refused,
 * while the user's other tokens stay valid. It lives in the store's subject
 * space, so every store (and Redis across instances) holds it unchanged; a
 * Logto user id never starts with `[`, so no real subject can collide with it.
 *
 * @example
 * ```ts
 * organizationSubject('u1', 'org1') // '["organization","org1","u1"]'
 * ```
 */
export const organizationSubject = (sub: string, organizationId: string): string => JSON.stringify(['organization', organizationId, sub]);

/**
 * One ended Logto session (`sid` of a logout token). Access tokens carry no
 * `sid` (a Logto fact), so this revokes no token: it is kept for the app's own
 * sessions, which may be keyed by the `sid` of their ID token.
 */
export interface SessionRevocation {
  sid: string;
  /** Milliseconds since the epoch at which the session ended. */
  before: number;
}

/**
 * A store of revoked subjects shared by every instance of an API.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl, audience, revocation: createMemoryRevocationStore() })
 * ```
 */
export interface RevocationStore {
  /**
   * When `sub` of issuer `iss` was last revoked (ms since epoch), or `undefined`. May be sync for speed.
   * `iss` comes second so that a store written for `getRevokedAt(sub)` keeps working (keyed by subject alone).
   * Throwing (or rejecting) means the store cannot answer: the request is refused
   * with `revocation_unavailable` (503), never with a 401.
   */
  getRevokedAt(sub: string, iss: string): number | undefined | Promise<number | undefined>;
  /** Record a revocation (and tell other instances). Keeps the later `before` when the subject is already revoked. */
  revoke(revocation: Revocation): Promise<void>;
  /**
   * Milliseconds an entry is remembered after its `before`. When set, the kit
   * refuses (`token_too_old`) a token that could still be accepted after its
   * revocation would be forgotten, so a revoked token never comes back.
   */
  readonly ttl?: number;
  /** Be told of revocations, including those made by other instances. Returns an unsubscribe function. */
  subscribe?(listener: (revocation: Revocation) => void): () => void;
  /** Record a logout token's `jti`; resolves `false` when it was seen before (a replay). */
  markJti?(jti: string, ttlMs: number): Promise<boolean>;
  /** Record an ended session (`sid`); see {@link SessionRevocation}. */
  revokeSession?(session: SessionRevocation): Promise<void>;
  /** When the session `sid` ended (ms since epoch), or `undefined`. */
  getSessionRevokedAt?(sid: string): number | undefined | Promise<number | undefined>;
  /** Entries held (subjects, sessions and `jti`s), for monitoring and tests. */
  readonly size?: number;
  /** Whether the store can answer right now (a shared store that can be unreachable); absent means always. */
  readonly healthy?: boolean;
  /** Be told each time `healthy` flips. Returns an unsubscribe function. */
  onHealthChanged?(listener: (healthy: boolean) => void): () => void;
}
