import { compactVerify, importJWK } from 'jose';
import { ORGANIZATION_AUDIENCE_PREFIX, parseScopes, type RefusalReason } from 'logto-authkit';
import { check, skipped, type Check } from './check.js';
import type { Expectations } from './expectations.js';
import { fixFor, HERE } from './fixes.js';
import type { PublishedKey } from './key-set.js';
import { describeDuration } from './time.js';

/** What the inspector read from a token: its header and claims (never the signature). */
export interface TokenReading {
  header: Record<string, unknown> | undefined;
  claims: Record<string, unknown> | undefined;
  checks: Check[];
}

// Three base64url segments (RFC 7515 §7.1); five are a JWE (RFC 7516 §7.1).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// RFC 9068 §2.1.
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);
const KEY_POINTERS = ['jku', 'x5u', 'jwk', 'x5c'];

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

function checkShape(token: string, expected: Expectations): Check | { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const title = 'token format';
  if (token.length > expected.maxTokenSize) return check('format', 'fail', title, `the token has ${token.length} bytes; the limit is ${expected.maxTokenSize}`, { reason: 'token_too_large', fix: fixFor('token_too_large') });
  if (COMPACT_JWE.test(token)) return check('format', 'fail', title, 'the token has five parts: an encrypted JWE, not a signed JWT', { reason: 'malformed_token', fix: fixFor('malformed_token') });
  if (!token.includes('.')) return check('format', 'fail', title, `the token is ${token.length} characters without dots: an opaque token, not a JWT`, { reason: 'opaque_token', fix: fixFor('opaque_token', HERE.opaque_token(expected.audiences)) });
  if (!COMPACT_JWS.test(token)) return check('format', 'fail', title, 'the token is not three base64url parts separated by dots (a compact JWS)', { reason: 'malformed_token', fix: fixFor('malformed_token') });
  const [head = '', body = ''] = token.split('.');
  const header = decodeSegment(head);
  const claims = decodeSegment(body);
  if (!header || !claims) {
    const reason = header ? 'malformed_payload' : 'malformed_header';
    return check('format', 'fail', title, `the token's ${header ? 'payload' : 'header'} is not a JSON object`, { reason, fix: fixFor(reason) });
  }
  return { header, claims };
}

function checkHeader(header: Record<string, unknown>, claims: Record<string, unknown>, expected: Expectations): Check[] {
  const { alg, typ, kid } = header;
  const checks: Check[] = [];
  if (typeof alg === 'string' && expected.algorithms.includes(alg)) checks.push(check('algorithm', 'pass', 'algorithm', `signed with ${alg}`, { actual: alg, expected: expected.algorithms }));
  else checks.push(check('algorithm', 'fail', 'algorithm', `alg ${show(alg)} is not allowed (allowed: ${expected.algorithms.join(', ')})`, { reason: 'algorithm_not_allowed', fix: fixFor('algorithm_not_allowed', HERE.algorithm_not_allowed(String(alg), expected.algorithms)), actual: alg, expected: expected.algorithms }));
  const type = typeof typ === 'string' ? typ.toLowerCase() : undefined;
  if (type !== undefined && ACCESS_TOKEN_TYPES.has(type)) checks.push(check('type', 'pass', 'token type', `an access token (typ ${String(typ)})`, { actual: typ, expected: 'at+jwt' }));
  else {
    // Logto types ID tokens "JWT"; other OpenID providers leave typ out. Then, as the kit judges: a logout
    // token has `events` (Back-Channel Logout 1.0 §2.4), an ID token `sub` and `aud` but no `client_id`,
    // which every access token carries (RFC 9068 §2.2).
    const untyped = type === undefined ? ('events' in claims ? 'logout' : !('client_id' in claims) && 'sub' in claims && 'aud' in claims ? 'id' : undefined) : undefined;
    const idToken = type === 'jwt' || untyped === 'id';
    const logout = type === 'logout+jwt' || untyped === 'logout';
    const reason = idToken ? 'id_token' : logout ? 'logout_token' : 'not_access_token';
    const fix = fixFor(reason, idToken ? HERE.id_token(expected.audiences) : undefined);
    const what = idToken ? 'an ID token' : logout ? 'a logout token' : 'not an access token';
    checks.push(check('type', 'fail', 'token type', `typ ${show(typ)}: ${what} (an access token has typ at+jwt)`, { reason, fix, actual: typ, expected: 'at+jwt' }));
  }
  if (typeof kid !== 'string' || kid === '') checks.push(check('kid', 'fail', 'key id', 'the header names no key id (kid)', { reason: 'missing_kid', fix: fixFor('missing_kid') }));
  const pointers = KEY_POINTERS.filter((name) => name in header);
  if (pointers.length > 0) checks.push(check('key_pointer', 'fail', 'key in header', `the header carries ${pointers.join(', ')}`, { reason: 'key_in_header', fix: fixFor('key_in_header') }));
  return checks;
}

function checkIssuerAndAudience(claims: Record<string, unknown>, expected: Expectations): Check[] {
  const { iss, aud } = claims;
  const checks: Check[] = [];
  if (typeof iss === 'string' && expected.issuers.includes(iss)) checks.push(check('issuer', 'pass', 'token issuer', `iss ${iss}, as expected`, { actual: iss, expected: expected.issuers }));
  else checks.push(check('issuer', 'fail', 'token issuer', `iss ${show(iss)}; expected ${expected.issuers.join(' or ')}`, { reason: 'issuer_mismatch', fix: fixFor('issuer_mismatch', HERE.issuer_mismatch(String(iss))), actual: iss, expected: expected.issuers }));
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  const organization = auds.find((a) => a.startsWith(ORGANIZATION_AUDIENCE_PREFIX) && a.length > ORGANIZATION_AUDIENCE_PREFIX.length);
  const matches = auds.some((a) => expected.audiences.includes(a)) || (organization !== undefined && expected.organizationTokens);
  if (matches) checks.push(check('audience', 'pass', 'token audience', `aud ${show(aud)}, as expected`, { actual: aud, expected: expected.audiences }));
  else if (organization !== undefined) {
    const id = organization.slice(ORGANIZATION_AUDIENCE_PREFIX.length);
    checks.push(check('audience', 'fail', 'token audience', `aud ${show(aud)}: an organization token; expected ${expected.audiences.join(' or ')}`, { reason: 'organization_token', fix: fixFor('organization_token', HERE.organization_token(id, expected.audiences)), actual: aud, expected: expected.audiences }));
  } else checks.push(check('audience', 'fail', 'token audience', `aud ${show(aud)}; expected ${expected.audiences.join(' or ')}`, { reason: 'audience_mismatch', fix: fixFor('audience_mismatch', HERE.audience_mismatch(aud, expected.audiences)), actual: aud, expected: expected.audiences }));
  return checks;
}

function checkClaimShapes(claims: Record<string, unknown>): Check {
  const problems: [RefusalReason, string][] = [];
  if (typeof claims.sub !== 'string' || claims.sub === '') problems.push(['missing_subject', 'no subject (sub)']);
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) problems.push(['missing_exp', 'no usable expiry (exp)']);
  for (const name of ['scope', 'client_id', 'organization_id']) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') problems.push(['malformed_claim', `a ${name} that is not a string`]);
  }
  const [first] = problems;
  if (first) return check('claims', 'fail', 'claims', `the token has ${problems.map(([, what]) => what).join(', ')}`, { reason: first[0], fix: fixFor(first[0]) });
  return check('claims', 'pass', 'claims', `sub ${String(claims.sub)}${typeof claims.client_id === 'string' ? `, client_id ${claims.client_id}` : ''}`);
}

function checkTime(claims: Record<string, unknown>, expected: Expectations): Check {
  const { exp, nbf, iat } = claims;
  const now = expected.nowMs / 1000;
  const at = `now is ${iso(now)}`;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return skipped('expiry', 'expiry', 'the token has no exp');
  // RFC 7519 §4.1.4: not accepted on or after exp, with the kit's clock tolerance.
  if (now - expected.clockTolerance >= exp) {
    return check('expiry', 'fail', 'expiry', `expired ${describeDuration(now - exp)} ago (exp ${iso(exp)}; ${at})`, { reason: 'expired', fix: fixFor('expired'), actual: exp, expected: Math.floor(now) });
  }
  for (const [name, value, reason] of [['nbf', nbf, 'not_yet_valid'], ['iat', iat, 'issued_in_future']] as const) {
    if (typeof value === 'number' && now + expected.clockTolerance < value) {
      return check('expiry', 'fail', 'expiry', `${name} is ${describeDuration(value - now)} in the future (${name} ${iso(value)}; ${at})`, { reason, fix: fixFor(reason), actual: value, expected: Math.floor(now) });
    }
  }
  return check('expiry', 'pass', 'expiry', `valid for another ${describeDuration(exp - now)} (exp ${iso(exp)}; ${at})`, { actual: exp, expected: Math.floor(now) });
}

async function checkKey(token: string, header: Record<string, unknown>, keys: readonly PublishedKey[] | undefined, expected: Expectations): Promise<Check[]> {
  const { kid, alg } = header;
  if (typeof kid !== 'string' || kid === '') return [skipped('signature', 'signature', 'the token names no key')];
  if (!keys) return [skipped('kid', 'key id', 'the key set could not be read'), skipped('signature', 'signature', 'the key set could not be read')];
  const known = keys.map((k) => k.kid).filter((k): k is string => k !== undefined);
  const key = keys.find((k) => k.kid === kid);
  if (!key) {
    return [
      check('kid', 'fail', 'key id', `kid ${kid} is not in the key set (it has ${known.join(', ') || 'no kid'})`, { reason: 'unknown_kid', fix: fixFor('unknown_kid', HERE.unknown_kid(expected.jwksUrl)), actual: kid, expected: known }),
      skipped('signature', 'signature', 'no key to verify with'),
    ];
  }
  const checks = [check('kid', 'pass', 'key id', `kid ${kid} is in the key set`, { actual: kid, expected: known })];
  if (typeof alg !== 'string' || !expected.algorithms.includes(alg)) return [...checks, skipped('signature', 'signature', 'the algorithm is not allowed')];
  try {
    await compactVerify(token, await importJWK(key.jwk, alg), { algorithms: [alg] });
    checks.push(check('signature', 'pass', 'signature', `verifies with key ${kid}`));
  } catch {
    checks.push(check('signature', 'fail', 'signature', `does not verify with key ${kid} (${alg})`, { reason: 'bad_signature', fix: fixFor('bad_signature') }));
  }
  return checks;
}

function checkScopes(claims: Record<string, unknown>, expected: Expectations): Check {
  const present = parseScopes(claims.scope);
  const required = expected.requiredScopes;
  const missing = required.filter((s) => !present.includes(s));
  const has = present.length > 0 ? present.join(' ') : 'no scope';
  const more = { actual: present, expected: required };
  if (required.length === 0) return check('scopes', 'pass', 'scopes', `the token has ${has}; none required (pass --scope to check one)`, more);
  if (missing.length === 0) return check('scopes', 'pass', 'scopes', `the token has ${has}; all of ${required.join(' ')} present`, more);
  const aud = typeof claims.aud === 'string' ? claims.aud : (expected.audiences[0] ?? '');
  const reason = present.length === 0 ? 'empty_scope' : 'insufficient_scope';
  return check('scopes', 'fail', 'scopes', `the token has ${has}; missing ${missing.join(' ')}`, { reason, fix: fixFor(reason, HERE.scope(missing, aud)), ...more });
}

/**
 * Explain, check by check, how the kit judges `token`: format, algorithm and type,
 * issuer, audience, claims, expiry, key id, signature, scopes. The verdict itself
 * comes from the kit; this is the breakdown beside it.
 *
 * @example
 * ```ts
 * const { checks, claims } = await inspectToken(token, expected, keys)
 * ```
 */
export async function inspectToken(token: string, expected: Expectations, keys: readonly PublishedKey[] | undefined): Promise<TokenReading> {
  const shape = checkShape(token, expected);
  if ('id' in shape) return { header: undefined, claims: undefined, checks: [shape] };
  const { header, claims } = shape;
  const checks = [
    check('format', 'pass', 'token format', 'a signed JWT (compact JWS)'),
    ...checkHeader(header, claims, expected),
    ...checkIssuerAndAudience(claims, expected),
    checkClaimShapes(claims),
    checkTime(claims, expected),
    ...(await checkKey(token, header, keys, expected)),
    checkScopes(claims, expected),
  ];
  return { header, claims, checks };
}
