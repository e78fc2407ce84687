import { compactVerify } from 'jose';
import { decodeJSONSegment } from '../core/decode.js';
import { isAuthError } from '../core/errors.js';

/** The `events` member every logout token carries (OIDC Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The claims of a verified logout token that a receiver acts on. */
export interface LogoutTokenClaims {
  iss: string;
  /** Seconds since the epoch. */
  iat: number;
  jti: string;
  /** The user; absent only when the token names a session alone. */
  sub: string | undefined;
  /** The Logto session; present when the app has "session required" set. */
  sid: string | undefined;
}

/** The rules a logout token is held to; the handler fills them from the kit. */
export interface LogoutTokenRules {
  issuers: readonly string[];
  /** Our client ids; `aud` must name one of them. */
  clientIds: readonly string[];
  algorithms: readonly string[];
  /** Seconds. */
  clockTolerance: number;
  /** Seconds since `iat` after which a token is refused (Logto ≤ 1.41 sends no `exp`). */
  maxAge: number;
  /** Bytes. */
  maxTokenSize: number;
}

/**
 * A logout token was refused: the receiver answers 400 `invalid_request` (§2.8). The message never holds the token.
 *
 * @example
 * ```ts
 * try { await verifyLogoutToken(token, rules, getKey, Date.now()) } catch (e) { if (e instanceof LogoutTokenError) return badRequest(e.message) }
 * ```
 */
export class LogoutTokenError extends Error {
  override readonly name = 'LogoutTokenError';
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// RFC 8417 §2.3 / Back-Channel Logout §2.4: explicitly typed; the `application/` prefix may be omitted (RFC 7515 §4.1.9).
const LOGOUT_TYPES = new Set(['logout+jwt', 'application/logout+jwt']);
const KEY_POINTERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const MAX_ID_LENGTH = 256;

const refuse = (message: string): never => {
  throw new LogoutTokenError(message);
};
const isId = (v: unknown): v is string => typeof v === 'string' && v !== '' && v.length <= MAX_ID_LENGTH;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkClaims(payload: Record<string, unknown>, rules: LogoutTokenRules, nowMs: number): LogoutTokenClaims {
  const { iss, aud, iat, exp, jti, events, sub, sid } = payload;
  const now = nowMs / 1000;
  const tolerance = rules.clockTolerance;
  if (typeof iss !== 'string' || !rules.issuers.includes(iss)) refuse('logout token was not issued by a trusted issuer');
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.some((a) => typeof a === 'string' && rules.clientIds.includes(a))) refuse('logout token was not issued for this client');
  if (!isNumber(iat)) return refuse('logout token has no usable iat');
  if (iat > now + tolerance) refuse('logout token was issued in the future (iat)');
  // Logto (v1.37.1 captured) sends no exp: the age limit is what bounds a replay window.
  if (now - iat > rules.maxAge + tolerance) refuse('logout token is too old (iat)');
  if (exp !== undefined && (!isNumber(exp) || now - tolerance >= exp)) refuse('logout token has expired');
  if (!isId(jti)) return refuse('logout token has no usable jti');
  // §2.4: events MUST hold the back-channel logout member, and its value MUST be a JSON object.
  if (!isObject(events) || !isObject(events[BACKCHANNEL_LOGOUT_EVENT])) refuse('logout token has no back-channel logout event');
  if (sub !== undefined && !isId(sub)) refuse('logout token sub is not usable');
  if (sid !== undefined && !isId(sid)) refuse('logout token sid is not usable');
  if (sub === undefined && sid === undefined) refuse('logout token names neither sub nor sid');
  // §2.4: a nonce is forbidden, so an ID token can never pass as a logout token.
  if ('nonce' in payload) refuse('logout token must not carry a nonce');
  return { iss: iss as string, iat, jti, sub: sub as string | undefined, sid: sid as string | undefined };
}

/**
 * Validate a back-channel logout token as OIDC Back-Channel Logout 1.0 §2.6
 * asks: shape, `alg` from the kit's list, `typ` `logout+jwt`, `iss`, `aud`,
 * `iat` with a maximum age, `exp` when present, `jti`, the `events` member,
 * `sub` or `sid`, no `nonce` — all before any cryptography — then the signature
 * with a key from the kit's own JWKS store. Rejects with
 * {@link LogoutTokenError}, or with the key store's `AuthError` when keys
 * cannot be had (an outage, not a bad token). Replay (`jti`) is the caller's.
 *
 * @example
 * ```ts
 * const claims = await verifyLogoutToken(token, rules, kit.jwks.getKey, Date.now())
 * ```
 */
export async function verifyLogoutToken(
  token: string,
  rules: LogoutTokenRules,
  getKey: (header: { alg: string; kid: string }) => Promise<CryptoKey>,
  nowMs: number,
): Promise<LogoutTokenClaims> {
  if (token.length > rules.maxTokenSize) refuse('logout token is larger than accepted');
  if (!COMPACT_JWS.test(token)) refuse('logout token is not a compact JWS');
  const [encodedHeader = '', encodedPayload = ''] = token.split('.');
  const header = decodeJSONSegment(encodedHeader) ?? refuse('logout token header is not a JSON object');
  const { alg, typ, kid } = header;
  if (typeof alg !== 'string' || !rules.algorithms.includes(alg)) refuse('logout token algorithm is not allowed');
  // An access token or ID token posted here must not end a session.
  if (typeof typ !== 'string' || !LOGOUT_TYPES.has(typ.toLowerCase())) refuse('token is not a logout token (typ must be logout+jwt)');
  if (!isId(kid)) refuse('logout token header has no usable key id (kid)');
  if (KEY_POINTERS.some((name) => name in header)) refuse('logout token header names its own key, which is never trusted');
  const payload = decodeJSONSegment(encodedPayload) ?? refuse('logout token payload is not a JSON object');
  const claims = checkClaims(payload, rules, nowMs);
  let key: CryptoKey;
  try {
    key = await getKey({ alg: alg as string, kid: kid as string });
  } catch (error) {
    if (isAuthError(error) && error.status === 503) throw error;
    return refuse('logout token key is not in the key set');
  }
  try {
    await compactVerify(token, key, { algorithms: [alg as string] });
  } catch {
    refuse('logout token signature is invalid');
  }
  return claims;
}
