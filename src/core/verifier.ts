import { compactVerify, errors } from 'jose';
import type { AuthenticatedContext } from './context.js';
import type { JWKSStore, ResolvedKey } from './jwks.js';
import type { NormalizedOptions } from './options.js';
import { contextOf, verifiedPayload, type VerifiedPayload } from './build-context.js';
import { createHotTokens } from './hot-tokens.js';
import { checkStaticClaims, checkTimeClaims, organizationOf, type ClaimRules } from './claims.js';
import { AuthError, createSharedRefusals, isAuthError, refusal } from './errors.js';
import { precheckToken, type PrecheckedToken } from './precheck.js';
import { REFUSAL_REASONS } from './refusal-reasons.js';
import { missingScopes, parseScopes } from './scopes.js';
import { createRefusalCache } from './refusal-cache.js';
import { createRevocationCheck } from './revocation-check.js';
import { selectTokenDigest } from './token-digest.js';
import { createVerifiedHeaders } from './verified-headers.js';
import { createTokenCache, estimateEntryBytes, type CachedToken, type TokenCache } from './token-cache.js';

const REFUSAL_TTL_MS = 60_000;
const HOT_TOKENS = 128;
const badSignature = (cause?: unknown): AuthError => refusal('bad_signature', { cause });

/** What {@link TokenVerifier.check} answers: the verified context, or why the token is refused. */
export type Outcome<TClaims> = AuthenticatedContext<TClaims> | AuthError;

/** Verifies one access token string; shared by every request of a kit. */
export interface TokenVerifier<TClaims> {
  /** Resolve the authenticated context of `token`, or reject with an {@link AuthError}. */
  verify(token: string): Promise<AuthenticatedContext<TClaims>>;
  /**
   * Like `verify`, but answers in the same tick when nothing needs waiting (a cached token and a
   * revocation store that answers synchronously, or a remembered forgery), and never rejects for
   * an authentication failure: the outcome is the context or the `AuthError`.
   */
  check(token: string): Outcome<TClaims> | Promise<Outcome<TClaims>>;
  /** The verified-token cache, when enabled. */
  readonly cache: TokenCache<VerifiedPayload<TClaims>> | undefined;
}

/**
 * Build the token pipeline: cache → pre-check → key → signature → policy.
 *
 * @example
 * ```ts
 * const verifier = createTokenVerifier(normalizeOptions(options), createJWKSStore(...))
 * const auth = await verifier.verify(token)
 * ```
 */
export function createTokenVerifier<TClaims>(
  options: NormalizedOptions<TClaims>,
  jwks: JWKSStore,
  /** Told of each outcome: whether a cache answered, and the refusal. */
  onVerified: (cacheHit: boolean, error?: AuthError) => void = () => undefined,
): TokenVerifier<TClaims> {
  const rules: ClaimRules = {
    issuers: options.issuers,
    audiences: options.audiences,
    organizationTokens: options.organizationTokens,
    clockTolerance: options.clockTolerance,
    maxTokenAge: options.maxTokenAge,
  };
  const { now, revocation, requiredScopes, claims: schema } = options;
  // Tokens seen a second time, by exact string, with their context: emptied whenever the cache drops entries for a reason.
  const hot = createHotTokens<TClaims>(HOT_TOKENS);
  const cache = options.tokenCache ? createTokenCache<VerifiedPayload<TClaims>>({ ...options.tokenCache, onDrop: () => hot.clear() }) : undefined;
  // The token cache is keyed by the token's digest: no entry keeps the token string.
  const keyOf = selectTokenDigest();
  // Headers of verified tokens: not decoded again, and a token with another one is not in the cache.
  const headers = createVerifiedHeaders((value) => intern(value));
  // Forgeries are replayed as they are: a few recent ones suffice, and a minute bounds how long a refusal outlives its reason.
  const refusals = options.tokenCache ? createRefusalCache({ maxEntries: 1_000, maxBytes: 4 * 1024 * 1024 }) : undefined;
  // A refusal holds against the key it was judged by; a new key set is judged afresh. (Listeners end with jwks.close().)
  if (refusals) jwks.onKeysChanged(() => refusals.clear());
  // The pre-check's refusals say nothing of the token: one frozen instance per reason for this kit.
  const precheckOptions = { maxTokenSize: options.maxTokenSize, algorithms: options.algorithms, refuse: createSharedRefusals(), knownHeaders: headers.known };
  const joseOptions = { algorithms: [...options.algorithms] };

  const interned = new Map<string, string>();
  const intern = (value: string): string => {
    const known = interned.get(value);
    if (known !== undefined) return known;
    // Only verified tokens reach here, so the set is the tenant's few clients and keys; bounded anyway.
    if (interned.size < 1_000) interned.set(value, value);
    return value;
  };

  // Tokens of one role set repeat one `scope` string: one frozen list per distinct string, bounded like `interned`.
  const scopeLists = new Map<string, readonly string[]>();
  const scopesOf = (payload: Record<string, unknown>): readonly string[] => {
    if (typeof payload.scope !== 'string') return Object.freeze(parseScopes(payload.scope));
    const scope = (payload.scope = intern(payload.scope));
    const known = scopeLists.get(scope);
    if (known !== undefined) return known;
    const list = Object.freeze(parseScopes(scope).map(intern));
    if (scopeLists.size < 1_000) scopeLists.set(scope, list);
    return list;
  };

  const { checkRemembered, checkRevokedNow } = createRevocationCheck(options);

  const checkScopes = (auth: AuthenticatedContext<TClaims>): AuthenticatedContext<TClaims> => {
    const missing = missingScopes(auth.scopes, requiredScopes);
    if (missing.length > 0) {
      // Logto drops `scope` when no role grants any of the API's permissions: that is a Console fix, say so.
      const message = auth.scopes.length === 0 ? `${REFUSAL_REASONS.empty_scope.description} (required: ${missing.join(' ')})` : `token lacks required scope(s): ${missing.join(' ')}`;
      throw refusal(auth.scopes.length === 0 ? 'empty_scope' : 'insufficient_scope', { message, requiredScopes });
    }
    return auth;
  };

  const verifyUncached = async (
    token: string,
    { header, payload }: PrecheckedToken,
    resolvedKey: ResolvedKey | Promise<ResolvedKey>,
    cacheKey: string | undefined,
    nowMs: number,
  ): Promise<AuthenticatedContext<TClaims>> => {
    const { key, material } = resolvedKey instanceof Promise ? await resolvedKey : resolvedKey;
    try {
      await compactVerify(token, key, joseOptions);
    } catch (error) {
      // Only a failed signature is a pure function of the token and this key; the entry dies with the token's exp.
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        const expiresAtMs = Math.min(nowMs + REFUSAL_TTL_MS, (payload.exp as number) * 1000);
        // Keyed by the token itself (copied out of the header it came in): a replay is recognised before any hashing.
        refusals?.add((' ' + token).slice(1), { alg: header.alg, kid: header.kid, material, error: badSignature(), expiresAtMs });
      }
      // A bad signature never triggers a key refetch: that would let forged
      // tokens amplify into requests to Logto.
      throw badSignature(error);
    }
    // Every cached token repeats the same issuer, audience, client and key id:
    // one shared string each keeps 10,000 cached tokens inside their memory budget.
    for (const name of ['iss', 'aud', 'client_id'] as const) if (typeof payload[name] === 'string') payload[name] = intern(payload[name]);
    const issuedAtMs = typeof payload.iat === 'number' ? payload.iat * 1000 : -Infinity;
    checkRemembered(payload);
    // Awaited only when the store answers with a promise: no microtask per token otherwise.
    const revokedCheck = revocation ? checkRevokedNow(payload.sub as string, payload.iss as string, issuedAtMs, organizationOf(payload).organizationId) : undefined;
    if (revokedCheck) await revokedCheck;
    let claims: TClaims = payload as TClaims;
    if (schema) {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw refusal('claims_schema_mismatch', { cause: parsed.error });
      claims = parsed.data;
    }
    const verified = verifiedPayload(payload, claims, scopesOf(payload));
    // The payload is the token's middle segment: base64url carries 3 bytes per 4 characters.
    const payloadChars = Math.ceil(((token.lastIndexOf('.') - token.indexOf('.') - 1) * 3) / 4);
    // A schema's output is a second tree beside the payload. The token's characters are still counted
    // though the entry keeps only its digest: the estimate stays an upper bound (per-request contexts
    // and their token are young garbage), and `maxBytes` bounds large tokens as it always did.
    const valueBytes = estimateEntryBytes(token.length, claims === payload ? payloadChars : 2 * payloadChars);
    // Before the entry: every cached token's header is known (see `mayBeCached`).
    headers.note(token, header);
    // A refresh that replaced the key while this token was checked has already swept the cache.
    // The entry is keyed by the token's digest and keeps no context: neither holds the token string.
    if (cache && jwks.hasKid(header.kid, material)) {
      cache.set(cacheKey ?? keyOf(token), { value: verified, kid: intern(header.kid), keyMaterial: material, iss: payload.iss as string, sub: payload.sub as string, issuedAtMs, expiresAtMs: (payload.exp as number) * 1000, valueBytes, seq: 0 });
    }
    return contextOf(token, verified);
  };

  const refuse = (error: unknown, cacheHit: boolean): AuthError => {
    const refused = isAuthError(error) ? error : refusal('unverifiable', { cause: error });
    onVerified(cacheHit, refused);
    return refused;
  };
  const accept = (auth: AuthenticatedContext<TClaims>, cacheHit: boolean): Outcome<TClaims> => {
    try {
      const checked = checkScopes(auth);
      onVerified(cacheHit);
      return checked;
    } catch (error) {
      return refuse(error, cacheHit);
    }
  };
  const fromCache = (auth: AuthenticatedContext<TClaims>, hit: CachedToken<VerifiedPayload<TClaims>>, nowMs: number): Outcome<TClaims> | Promise<Outcome<TClaims>> => {
    try {
      // Hits need no key, so they keep the key set on schedule: a key Logto removed or
      // replaced takes its cached tokens with it within one refresh.
      jwks.refreshIfDue();
      checkTimeClaims(hit.value.payload, rules, nowMs);
      const pending = revocation ? checkRevokedNow(hit.sub, hit.iss as string, hit.issuedAtMs, organizationOf(hit.value.payload).organizationId) : undefined;
      if (pending) return pending.then(() => accept(auth, true), (error: unknown) => refuse(error, true));
      return accept(auth, true);
    } catch (error) {
      return refuse(error, true);
    }
  };
  const uncached = async (token: string, prechecked: PrecheckedToken, resolvedKey: ResolvedKey | Promise<ResolvedKey>, key: string | undefined, nowMs: number): Promise<Outcome<TClaims>> => {
    try {
      return accept(await verifyUncached(token, prechecked, resolvedKey, key, nowMs), false);
    } catch (error) {
      return refuse(error, false);
    }
  };
  const judge = (token: string, key: string | undefined, nowMs: number): Outcome<TClaims> | Promise<Outcome<TClaims>> => {
    let prechecked: PrecheckedToken;
    let resolvedKey: ResolvedKey | Promise<ResolvedKey>;
    // Everything decided without a signature is refused in this tick (a kid looked up in vain, a spent refetch budget too).
    try {
      prechecked = precheckToken(token, precheckOptions);
      checkStaticClaims(prechecked.payload, rules);
      checkTimeClaims(prechecked.payload, rules, nowMs);
      resolvedKey = jwks.resolveKeyNow(prechecked.header);
    } catch (error) {
      return refuse(error, false);
    }
    return uncached(token, prechecked, resolvedKey, key, nowMs);
  };
  const check = (token: string): Outcome<TClaims> | Promise<Outcome<TClaims>> => {
    const nowMs = now();
    const recent = hot.get(token);
    // The same bound as the cache's own: an entry past its exp is not answered from here either.
    if (recent !== undefined && nowMs < recent.hit.expiresAtMs) return fromCache(recent.auth, recent.hit, nowMs);
    // Forgeries first, and only while some are remembered: a replay costs one map lookup, no digest.
    const refused = refusals !== undefined && refusals.size > 0 ? refusals.get(token, nowMs) : undefined;
    if (refused) {
      // The same key still answers for the kid in a usable set: the signature would fail again,
      // so the refusal made then is answered (no verification, no new error object).
      // Otherwise (rotated, or the set is too old to answer) the token is judged afresh.
      if (jwks.usableMaterial(refused.kid) === refused.material) return refuse(refused.error, true);
      refusals?.delete(token);
    }
    // No cached token has this header or this size (or there is no cache): judged without a digest, hashed only once verified.
    if (cache === undefined || token.length > options.maxTokenSize || !headers.mayBeCached(token)) return judge(token, undefined, nowMs);
    const key = keyOf(token);
    const hit = cache.get(key, nowMs);
    if (hit) return fromCache(hot.remember(token, hit), hit, nowMs);
    return judge(token, key, nowMs);
  };

  return {
    cache,
    check,
    async verify(token) {
      const outcome = await check(token);
      if (isAuthError(outcome)) throw outcome;
      return outcome;
    },
  };
}
