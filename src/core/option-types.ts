/**
 * The kit's options as users write them and as the pipeline reads them after validation
 * (`normalizeOptions` in ./options.ts checks the one and builds the other).
 */
import type { RevocationStore } from './revocation-store.js';
import type { AuthKitWarning } from './config-diagnostics.js';
import type { RefusalReport } from './refusal-report.js';

/** Algorithms Logto can sign with (docs/logto.md "Keys": RS256, PS256, ES256, ES384, ES512). */
export const SUPPORTED_ALGORITHMS = ['ES384', 'ES256', 'ES512', 'RS256', 'PS256', 'RS384', 'RS512', 'PS384', 'PS512', 'EdDSA'] as const;
/** Where a token may come from. */
export type TokenSource = 'cookie' | 'header';

/** Anything with a zod-like `safeParse` (zod 3 and 4 both qualify). */
export interface ClaimsSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/**
 * Options of {@link createAuthKit}. Validated once, at construction; a bad
 * option throws a `TypeError` that names it.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' })
 * ```
 */
export interface AuthKitOptions<TClaims = Record<string, unknown>> {
  /** Your Logto endpoint, e.g. `https://tenant.logto.app`. Required unless `issuer` and `jwksUrl` are given. */
  logtoUrl?: string;
  /** The API resource indicator(s) a token must be issued for. Required. */
  audience: string | string[];
  /** Accepted `iss` values, matched exactly. @default `${logtoUrl}/oidc` */
  issuer?: string | string[];
  /** Where the key set lives. @default `${first issuer}/jwks` */
  jwksUrl?: string;
  /** Cookie carrying the access token. @default 'logto_authtoken' */
  cookieName?: string;
  /** Cookie carrying the guest id. @default 'guest_logto_authtoken' */
  guestCookieName?: string;
  /** Where to look for a token, in order; the first valid one wins. @default ['cookie', 'header'] */
  tokenSources?: TokenSource[];
  /** CSRF protection for cookie-borne tokens on unsafe methods. @default {} (on) */
  csrf?: false | { trustedOrigins?: string[] };
  /** Scopes every request must carry (all of them). @default [] */
  requiredScope?: string | string[];
  /** Give unauthenticated callers a guest context instead of an error. @default false */
  allowGuest?: boolean;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. @default 5 */
  clockTolerance?: number;
  /** Refuse tokens whose `iat` is older than this many seconds. @default undefined (no limit) */
  maxTokenAge?: number;
  /** Accepted JWS algorithms. Never `none`, never HMAC. @default ['ES384','ES256','ES512','RS256','PS256'] */
  algorithms?: string[];
  /** How long (ms) a fetched key set is fresh. @default 300000 */
  jwksCacheTtl?: number;
  /** Minimum ms between refetches caused by an unknown `kid`. @default 30000 */
  jwksCooldown?: number;
  /** Timeout (ms) of one key-set fetch. @default 5000 */
  jwksTimeout?: number;
  /** How long (ms) a cached key set keeps serving while Logto is unreachable. @default 3600000 */
  jwksStaleTtl?: number;
  /**
   * Verified-token LRU, bounded by entries and by estimated bytes (token and payload at two bytes
   * a character, plus ~0.5 KB an entry); a token larger than `maxBytes` alone is not cached. While
   * enabled, a small cache of refused signatures (1,000 tokens, 4 MiB, a minute each) makes a
   * replayed forgery cost a lookup. `false` turns both off.
   * @default { maxEntries: 10000, maxBytes: 67108864 }
   */
  tokenCache?: false | { maxEntries?: number; maxBytes?: number };
  /** Largest token accepted, in bytes, checked before any parsing. @default 16384 */
  maxTokenSize?: number;
  /** Store of revoked subjects (back-channel logout). @default undefined */
  revocation?: RevocationStore;
  /** Schema for custom claims; its output types `ctx.claims`. @default undefined */
  claims?: ClaimsSchema<TClaims>;
  /** Accept Logto organization tokens (`aud = urn:logto:organization:<id>`). @default false */
  organizationTokens?: boolean;
  /** Injected fetch (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Injected clock in ms (tests). @default Date.now */
  now?: () => number;
  /**
   * Told of likely set-up mistakes found at construction (an `issuer` without `/oidc`, a
   * `jwksUrl` on another origin, an `audience` shaped like a client id). Never given a token.
   * @default console.warn, each distinct warning once per process
   * @example
   * ```ts
   * createAuthKit({ logtoUrl, audience, onWarning: (w) => logger.warn(w.message, { code: w.code }) })
   * ```
   */
  onWarning?: (warning: AuthKitWarning) => void;
  /**
   * Told of refused tokens and requests, with what the client is never shown: the
   * token's `iss`, `aud`, `exp`, `kid` beside the expected issuers, audiences, clock and
   * key ids (never the token, its signature or `sub`). At most `onRefusedPerMinute` reports per
   * reason per minute; `report.suppressed` counts the rest. A request without any token is not a refusal here.
   * @default undefined (no reports)
   * @example
   * ```ts
   * createAuthKit({ logtoUrl, audience, onRefused: (r) => logger.info(`${r.reason}: ${r.fix}`, r.token) })
   * ```
   */
  onRefused?: (report: RefusalReport) => void;
  /** Reports `onRefused` receives per reason per minute of `now`. @default 10 */
  onRefusedPerMinute?: number;
  /**
   * The URL of this API's RFC 9728 protected-resource metadata document. When set, every
   * `Bearer` challenge the kit's errors carry (401, and the 403 `insufficient_scope`) names it as
   * `resource_metadata="…"` (RFC 9728 §5.1), which MCP clients need to find Logto. Compute it with
   * `protectedResourceMetadataUrl(resource)`; https, or http on localhost/127.0.0.1.
   * @default undefined (no `resource_metadata` parameter)
   * @example
   * ```ts
   * createAuthKit({ logtoUrl, audience: 'https://mcp.example.com/mcp', resourceMetadataUrl: protectedResourceMetadataUrl('https://mcp.example.com/mcp') })
   * ```
   */
  resourceMetadataUrl?: string;
}

/** Options after validation and defaults: what the pipeline reads. */
export interface NormalizedOptions<TClaims = Record<string, unknown>> {
  issuers: readonly string[];
  audiences: readonly string[];
  jwksUrl: string;
  cookieName: string;
  guestCookieName: string;
  tokenSources: readonly TokenSource[];
  csrf: false | { trustedOrigins: ReadonlySet<string> };
  requiredScopes: readonly string[];
  allowGuest: boolean;
  clockTolerance: number;
  maxTokenAge: number | undefined;
  algorithms: readonly string[];
  jwksCacheTtl: number;
  jwksCooldown: number;
  jwksTimeout: number;
  jwksStaleTtl: number;
  tokenCache: false | { maxEntries: number; maxBytes: number };
  maxTokenSize: number;
  revocation: RevocationStore | undefined;
  claims: ClaimsSchema<TClaims> | undefined;
  organizationTokens: boolean;
  fetch: typeof fetch;
  now: () => number;
  /** Likely set-up mistakes found at construction (the kit tells `onWarning` of each). */
  warnings: readonly AuthKitWarning[];
  onWarning: (warning: AuthKitWarning) => void;
  onRefused: ((report: RefusalReport) => void) | undefined;
  onRefusedPerMinute: number;
  resourceMetadataUrl: string | undefined;
}
