import { randomBytes } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { startJWKSServer } from './jwks-server.js';
import { generateTestSigningKey, isTestSigningAlgorithm } from './keys.js';
import type { TestSigningAlgorithm, TestSigningKey } from './keys.js';
import { signCompact, withoutUndefined } from './sign.js';

/** Options of {@link createTestIssuer}. */
export interface TestIssuerOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** Default audience (API resource indicator) of minted access tokens. @default 'https://api.example.test' */
  audience?: string;
  /** Signing algorithm of the current key. @default 'ES384' (Logto's default) */
  alg?: TestSigningAlgorithm;
  /** Default client id (`client_id` of access tokens, `aud` of ID and logout tokens). @default 'test-client' */
  clientId?: string;
  /** Clock in ms used for `iat` and `exp`. @default Date.now */
  now?: () => number;
}

/** Per-token options of the `mint…` methods. */
export interface MintOptions {
  /** Algorithm to sign with; another algorithm than the issuer's gets its own key, published too. @default the issuer's `alg` */
  alg?: string;
  /** Lifetime in seconds (`exp = iat + expiresIn`). @default 3600 (120 for logout tokens) */
  expiresIn?: number;
  /** Merged over the default protected header `{alg, typ, kid}`; a member set to `undefined` is removed. An `alg` other than the signing one yields a token whose signature fails. */
  header?: Record<string, unknown>;
  /** `kid` of the header. @default the signing key's thumbprint */
  kid?: string;
  /** Key to sign with: the current key, the one before the last rotation, or a foreign key (then `kid` defaults to the current key's, i.e. a forgery). @default 'current' */
  key?: 'current' | 'previous' | CryptoKey;
  /** Issue time in ms. @default the issuer's `now()` */
  now?: number;
}

/** A Logto-shaped issuer on 127.0.0.1 that mints tokens for tests. */
export interface TestIssuer {
  /** `http://127.0.0.1:<port>`, what an app configures as its Logto endpoint. */
  readonly logtoUrl: string;
  /** `${logtoUrl}/oidc`, the `iss` of every minted token. */
  readonly issuer: string;
  /** `${issuer}/jwks`. */
  readonly jwksUrl: string;
  readonly audience: string;
  readonly clientId: string;
  /** Mints an access token: header `{alg, typ: 'at+jwt', kid}`, payload `{jti, sub, iat, exp, scope?, client_id, iss, aud}`; `claims` override or extend, `undefined` removes. `sub` defaults to `user-<random>`; `scope` is absent unless given (Logto omits it when nothing was granted). */
  mintToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Mints a back-channel logout token (`typ: 'logout+jwt'`): `{iss, aud: clientId, iat, exp: iat+120, jti, events, sub}`, plus `sid` when given. */
  mintLogoutToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Mints an ID token (`typ: 'JWT'`, `aud` = client id, no `client_id` claim). */
  mintIdToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Mints a Logto organization token: `aud = urn:logto:organization:<id>`, `scope` = the scopes joined by spaces (`""` for none, as real Logto does). */
  mintOrganizationToken(organizationId: string, scopes?: string[], claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Makes a new current key; the previous one stays published (Logto keeps the two newest). */
  rotateKeys(): Promise<void>;
  /** Publishes exactly `jwks` (a string is served verbatim) instead of the real keys, for fault tests; `undefined` resets. */
  setJWKS(jwks: unknown): void;
  /** Number of JWKS requests served so far. */
  readonly jwksRequests: number;
  /** The JWKS the issuer's own keys make up (ignores {@link TestIssuer.setJWKS}). */
  jwks(): { keys: Record<string, unknown>[] };
  /** Stops the server. */
  close(): Promise<void>;
}

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const randomId = (): string => randomBytes(16).toString('base64url');
const family = (alg: string): string => (alg === 'RS256' || alg === 'PS256' ? 'RSA' : alg);

/**
 * Starts a local stand-in for a Logto tenant: ES384 keys with RFC 7638
 * thumbprint `kid`s, a JWKS and discovery on 127.0.0.1, and `mint…` methods
 * producing tokens shaped like Logto's (see docs/logto.md).
 *
 * @example
 * ```ts
 * import { createAuthKit } from 'logto-authkit';
 * import { createTestIssuer } from 'logto-authkit/testing';
 *
 * const issuer = await createTestIssuer();
 * const token = await issuer.mintToken({ sub: 'user-1', scope: 'read:posts' });
 * const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
 * // … send `Authorization: Bearer ${token}` to your API …
 * await issuer.close();
 * ```
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const alg = options.alg ?? 'ES384';
  const audience = options.audience ?? 'https://api.example.test';
  const clientId = options.clientId ?? 'test-client';
  const clock = options.now ?? Date.now;
  let current = await generateTestSigningKey(alg);
  let previous: TestSigningKey | undefined;
  // Keys of other algorithms, made on first use (RSA keygen is slow).
  const others = new Map<string, TestSigningKey>();
  let override: { value: unknown } | undefined;

  const ownJWKS = (): { keys: Record<string, unknown>[] } => ({
    keys: [current, ...others.values(), ...(previous ? [previous] : [])].map((key) => ({ ...key.publicJwk })),
  });
  const server = await startJWKSServer({
    port: options.port ?? 0,
    alg,
    jwks: () => (override ? override.value : ownJWKS()),
  });
  const issuer = `${server.logtoUrl}/oidc`;

  async function keyFor(signingAlg: TestSigningAlgorithm, choice: MintOptions['key']): Promise<[CryptoKey, string]> {
    if (choice !== undefined && typeof choice !== 'string') return [choice, current.kid];
    let key: TestSigningKey | undefined = choice === 'previous' ? previous : current;
    if (!key) throw new Error('no previous key: call rotateKeys() first');
    if (choice !== 'previous' && family(signingAlg) !== family(alg)) {
      key = others.get(family(signingAlg));
      if (!key) {
        key = await generateTestSigningKey(signingAlg);
        others.set(family(signingAlg), key);
      }
    }
    return [await key.signingKey(signingAlg), key.kid];
  }

  async function mint(typ: string, defaults: Record<string, unknown>, claims: Record<string, unknown>, mintOptions: MintOptions, ttl: number): Promise<string> {
    const signingAlg = mintOptions.alg ?? alg;
    if (!isTestSigningAlgorithm(signingAlg)) throw new TypeError(`cannot sign with ${signingAlg}: use header.alg to claim another algorithm`);
    const [key, kid] = await keyFor(signingAlg, mintOptions.key);
    const iat = Math.floor((mintOptions.now ?? clock()) / 1000);
    const payload = withoutUndefined({ ...defaults, iat, exp: iat + (mintOptions.expiresIn ?? ttl), ...claims });
    const header = withoutUndefined({ alg: signingAlg, typ, kid: mintOptions.kid ?? kid, ...mintOptions.header });
    return signCompact(payload, header, signingAlg, key);
  }

  const mintToken: TestIssuer['mintToken'] = (claims = {}, mintOptions = {}) =>
    // Member order follows real Logto tokens: jti, sub, iat, exp, scope, client_id, iss, aud.
    mint('at+jwt', { jti: randomId(), sub: `user-${randomId()}`, iat: 0, exp: 0, scope: undefined, client_id: clientId, iss: issuer, aud: audience }, claims, mintOptions, 3600);

  return {
    logtoUrl: server.logtoUrl,
    issuer,
    jwksUrl: `${issuer}/jwks`,
    audience,
    clientId,
    mintToken,
    mintLogoutToken: (claims = {}, mintOptions = {}) =>
      // OIDC Back-Channel Logout 1.0 §2.4; exp = iat + 120 s as current Logto sets it.
      mint('logout+jwt', { iss: issuer, aud: clientId, iat: 0, exp: 0, jti: randomId(), events: { [LOGOUT_EVENT]: {} }, sub: `user-${randomId()}` }, claims, mintOptions, 120),
    mintIdToken: (claims = {}, mintOptions = {}) =>
      mint('JWT', { iss: issuer, sub: `user-${randomId()}`, aud: clientId, iat: 0, exp: 0 }, claims, mintOptions, 3600),
    mintOrganizationToken: (organizationId, scopes = [], claims = {}, mintOptions = {}) =>
      mintToken({ aud: `urn:logto:organization:${organizationId}`, scope: scopes.join(' '), ...claims }, mintOptions),
    async rotateKeys() {
      const next = await generateTestSigningKey(alg);
      previous = current;
      current = next;
    },
    setJWKS(jwks) {
      override = jwks === undefined ? undefined : { value: jwks };
    },
    get jwksRequests() {
      return server.jwksRequests;
    },
    jwks: ownJWKS,
    close: () => server.close(),
  };
}
