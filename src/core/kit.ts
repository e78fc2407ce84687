import type { AuthContext, AuthenticatedContext } from './context.js';
import type { AuthKitOptions, NormalizedOptions } from './options.js';
import { organizationSubject, type Revocation } from './revocation-store.js';
import { isAuthError } from './errors.js';
import { createRequestAuthenticator } from './authenticate-request.js';
import { createEventHub, type AuthKitEvent } from './events.js';
import { createJWKSStore, type JWKSStore } from './jwks.js';
import { createKitTelemetry, snapshotStats, type AuthKitStats } from './kit-stats.js';
import { normalizeOptions } from './options.js';
import { marking } from './resource-challenge.js';
import { createRefusalReporter } from './refusal-report.js';
import type { AuthInput } from './request.js';
import { createTokenVerifier, type Outcome } from './verifier.js';

/** A verified access token: the authenticated context of it. */
export type VerifiedToken<TClaims = Record<string, unknown>> = AuthenticatedContext<TClaims>;

/**
 * One configured verifier, reused for every request (its key set and token
 * cache live here). Create it once at start-up.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' })
 * const auth = await kit.createAuthContext(request)
 * ```
 */
export interface AuthKit<TClaims = Record<string, unknown>> {
  /** The validated options, defaults filled in. */
  readonly options: NormalizedOptions<TClaims>;
  /** The key-set store; `jwks.state` is its health (freshness, fetch in flight, last error). */
  readonly jwks: JWKSStore;
  /** Build the auth context of a request. Never rejects for an authentication failure. */
  createAuthContext(input: AuthInput): Promise<AuthContext<TClaims>>;
  /**
   * Like `createAuthContext`, but answers in the same tick when nothing needs waiting for (a
   * cached token, a revocation store with a local mirror): then the context itself, else a
   * promise of it. For adapters on the hot path: every check still runs, only the promise hop
   * goes. Throws (synchronously) only for an input that is not a request.
   * @example
   * ```ts
   * const auth = kit.authenticate(req)
   * if (auth instanceof Promise) auth.then(done, fail)
   * else done(auth)
   * ```
   */
  authenticate(input: AuthInput): AuthContext<TClaims> | Promise<AuthContext<TClaims>>;
  /** Like `createAuthContext`, but rejects with the `AuthError` when the result is anonymous (a throwing contract for generic code). */
  verifyAuth(input: AuthInput): Promise<AuthContext<TClaims>>;
  /** Verify one token string; rejects with an `AuthError`. */
  verifyToken(token: string): Promise<VerifiedToken<TClaims>>;
  /**
   * Refuse every token of `sub` issued before `before` (ms; default now). Needs
   * the `revocation` option. Revokes `sub` of `iss`, which must be one of the
   * kit's issuers; without `iss`, of every issuer of the kit (they are one
   * tenant's domains, so one user space). With `organizationId`, only the
   * tokens of `sub` bound to that organization (`organization_id`, or an
   * organization token's audience) are refused, e.g. after the user left it.
   */
  revoke(revocation: { sub: string; before?: number; iss?: string; organizationId?: string }): Promise<void>;
  /**
   * Be told of every revocation this kit learns of: its own `revoke()` (the
   * back-channel logout receiver calls it) and, when the store has `subscribe`,
   * those of other instances. The kit holds one store subscription for all
   * listeners; a revocation may be told twice. Returns an unsubscribe function.
   * @example
   * ```ts
   * const stop = kit.onRevoked(({ sub }) => sockets.get(sub)?.close(4403))
   * ```
   */
  onRevoked(listener: (revocation: Revocation) => void): () => void;
  /**
   * Be told of what the kit does: each token verified (outcome, code, cache hit), each
   * key-set fetch, key change, refused unknown-kid refetch and stale key set served, each
   * revocation applied and each change of the revocation store's health. Listeners run
   * synchronously on the request's path, so keep them cheap; one that throws is ignored.
   * Events never carry a token or its payload. Returns an unsubscribe function.
   * @example
   * ```ts
   * kit.onEvent((event) => {
   *   if (event.type === 'jwks.fetch' && event.phase === 'failed') log.warn('JWKS fetch failed', event.failure)
   * })
   * ```
   */
  onEvent(listener: (event: AuthKitEvent) => void): () => void;
  /**
   * Counters and gauges since creation, as a plain object for a `/metrics` or health endpoint.
   * @example
   * ```ts
   * app.get('/healthz', (_req, res) => res.json(kit.stats()))
   * ```
   */
  stats(): AuthKitStats;
  /** Stop timers and subscriptions. */
  close(): void;
}

/**
 * Create an auth kit. Options are validated here, once: a bad option throws a
 * `TypeError` naming it.
 *
 * @example
 * ```ts
 * const kit = createAuthKit({ logtoUrl: process.env.LOGTO_URL!, audience: 'https://api.example.com', requiredScope: 'read:posts' })
 * ```
 */
export function createAuthKit<TClaims = Record<string, unknown>>(input: AuthKitOptions<TClaims>): AuthKit<TClaims> {
  const options = normalizeOptions(input);
  const events = createEventHub();
  const telemetry = createKitTelemetry(events);
  const jwks = createJWKSStore({
    observer: telemetry,
    url: options.jwksUrl,
    fetch: options.fetch,
    now: options.now,
    cacheTtl: options.jwksCacheTtl,
    cooldown: options.jwksCooldown,
    timeout: options.jwksTimeout,
    staleTtl: options.jwksStaleTtl,
    algorithms: options.algorithms,
  });
  const tokenVerifier = createTokenVerifier(options, jwks, telemetry.verified);
  const { cache } = tokenVerifier;
  const unsubscribers: (() => void)[] = [jwks.onKeysChanged((kids) => telemetry.keysChanged(kids))];
  for (const warning of options.warnings) options.onWarning(warning);
  let kids: readonly string[] = [];
  if (options.onRefused) unsubscribers.push(jwks.onKeysChanged((current) => void (kids = [...current])));
  const report = options.onRefused
    ? createRefusalReporter({ onRefused: options.onRefused, perMinute: options.onRefusedPerMinute, now: options.now, issuers: options.issuers, audiences: options.audiences, kids: () => kids })
    : undefined;
  // Refusals are reported where they are decided, in the same tick when the verifier answered in it.
  const told = (outcome: Outcome<TClaims>, token: string): Outcome<TClaims> => {
    if (report && isAuthError(outcome)) report(outcome, token);
    return outcome;
  };
  const check = (token: string): Outcome<TClaims> | Promise<Outcome<TClaims>> => {
    const outcome = tokenVerifier.check(token);
    if (!report) return outcome;
    return outcome instanceof Promise ? outcome.then((settled) => told(settled, token)) : told(outcome, token);
  };
  if (cache) unsubscribers.push(jwks.onKeysChanged((_kids, keys) => cache.retainKeys(keys)));
  const revocationListeners = new Set<(revocation: Revocation) => void>();
  const store = options.revocation;
  const revoked = (r: Revocation, applied = true): void => {
    cache?.dropSubject(r.sub, r.before, r.iss);
    if (applied) telemetry.revocationApplied(r);
    for (const listener of revocationListeners) {
      try {
        listener(r);
      } catch {
        // One failing listener must not keep the others (or the cache) from hearing of a logout.
      }
    }
  };
  if (store?.subscribe) unsubscribers.push(store.subscribe((r) => revoked(r)));
  if (store?.onHealthChanged) unsubscribers.push(store.onHealthChanged(telemetry.healthChanged));

  const authenticate = createRequestAuthenticator({ options, telemetry, report, check });
  const url = options.resourceMetadataUrl;
  const createAuthContext = async (request: AuthInput): Promise<AuthContext<TClaims>> => authenticate(request);
  // Async on purpose: the refusal is thrown after the caller has attached its handler, so Node's
  // unhandled-rejection bookkeeping (a cost per forged token of a flood) never runs.
  const verifyToken = marking(url, async (token: string): Promise<VerifiedToken<TClaims>> => {
    const outcome = await check(token);
    if (isAuthError(outcome)) throw outcome;
    return outcome;
  });

  return {
    options,
    jwks,
    createAuthContext,
    authenticate,
    async verifyAuth(request) {
      const auth = await createAuthContext(request);
      if (auth.status === 'anonymous') throw auth.error;
      return auth;
    },
    verifyToken,
    async revoke({ sub, before, iss, organizationId }) {
      if (!store) throw new TypeError('logto-authkit: kit.revoke() needs the "revocation" option (a RevocationStore)');
      if (typeof sub !== 'string' || sub === '') throw new TypeError('logto-authkit: kit.revoke() needs a non-empty "sub"');
      if (iss !== undefined && !options.issuers.includes(iss)) throw new TypeError('logto-authkit: kit.revoke() "iss" must be one of the kit\'s issuers');
      if (organizationId !== undefined && (typeof organizationId !== 'string' || organizationId === '')) {
        throw new TypeError('logto-authkit: kit.revoke() "organizationId" must be a non-empty string');
      }
      const at = before ?? options.now();
      const subject = organizationId === undefined ? sub : organizationSubject(sub, organizationId);
      for (const issuer of iss === undefined ? options.issuers : [iss]) {
        const revocation = { iss: issuer, sub: subject, before: at };
        await store.revoke(revocation);
        // A store with `subscribe` has already told the kit, when the revocation changed anything.
        revoked(revocation, store.subscribe === undefined);
      }
    },
    onRevoked(listener) {
      revocationListeners.add(listener);
      return () => revocationListeners.delete(listener);
    },
    onEvent: (listener) => events.on(listener),
    stats: () => snapshotStats(telemetry, { jwks: jwks.state, cache, tokenCache: options.tokenCache, revocation: store }),
    close() {
      events.clear();
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      revocationListeners.clear();
      cache?.clear();
      jwks.close();
    },
  };
}
