import { TRPCError } from '@trpc/server';
import { AUTH_ERROR_TABLE, AuthError, type AuthErrorCode } from 'logto-authkit';
import { authResponseMeta, findAuthError, toTRPCError } from 'logto-authkit/trpc';
import { describe, expect, it } from 'vitest';

const codes = Object.keys(AUTH_ERROR_TABLE) as AuthErrorCode[];
const failed = (...errors: TRPCError[]) => ({ errors, data: errors.map(() => ({ error: {} })) });

describe('toTRPCError', () => {
  it.each(codes)('maps %s through the core table, keeping the AuthError as cause', (code) => {
    const authError = new AuthError(code, 'refused', { requiredScopes: ['a'] });
    const error = toTRPCError(authError);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error.code).toBe(AUTH_ERROR_TABLE[code].trpc);
    expect(error.message).toBe('refused');
    expect(error.cause).toBe(authError);
  });

  it('maps jwks_unavailable to SERVICE_UNAVAILABLE (503 since tRPC v11)', () => {
    expect(toTRPCError(new AuthError('jwks_unavailable', 'keys unavailable')).code).toBe('SERVICE_UNAVAILABLE');
  });
});

describe('findAuthError', () => {
  it('finds the AuthError in a cause chain and survives a cyclic one', () => {
    const authError = new AuthError('token_expired', 'token has expired');
    expect(findAuthError(new Error('outer', { cause: toTRPCError(authError) }))).toBe(authError);
    const cyclic = new Error('a');
    cyclic.cause = cyclic;
    expect(findAuthError(cyclic)).toBeUndefined();
    expect(findAuthError('text')).toBeUndefined();
  });
});

describe('authResponseMeta', () => {
  it('gives a failed call its table status and challenge', () => {
    const meta = authResponseMeta(failed(toTRPCError(new AuthError('missing_token', 'no access token was presented'))));
    expect(meta.status).toBe(401);
    expect(meta.headers).toBeInstanceOf(Headers);
    expect(Object.fromEntries(meta.headers ?? [])).toEqual({ 'cache-control': 'no-store', 'www-authenticate': 'Bearer realm="api"' });
    const forbidden = authResponseMeta(failed(toTRPCError(new AuthError('insufficient_scope', 'missing', { requiredScopes: ['write:posts'] }))));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers?.get('www-authenticate')).toContain('scope="write:posts"');
  });

  it('turns jwks_unavailable into 503 without a challenge, never 401', () => {
    const meta = authResponseMeta(failed(toTRPCError(new AuthError('jwks_unavailable', 'keys unavailable'))));
    expect(meta.status).toBe(503);
    expect(Object.fromEntries(meta.headers ?? [])).toEqual({ 'cache-control': 'no-store' });
  });

  it('sends Retry-After when the outage says when a retry may succeed (RFC 9110 §10.2.3)', () => {
    const meta = authResponseMeta(failed(toTRPCError(new AuthError('jwks_unavailable', 'the refetch budget is spent', { retryAfter: 7 }))));
    expect(meta.status).toBe(503);
    expect(Object.fromEntries(meta.headers ?? [])).toEqual({ 'cache-control': 'no-store', 'retry-after': '7' });
  });

  it('leaves mixed, partial, streamed and non-auth responses alone', () => {
    const unauthorized = toTRPCError(new AuthError('missing_token', 'none'));
    const forbidden = toTRPCError(new AuthError('insufficient_scope', 'missing'));
    expect(authResponseMeta(failed(unauthorized, forbidden))).toEqual({});
    expect(authResponseMeta({ errors: [unauthorized], data: [{ error: {} }, { result: {} }] })).toEqual({});
    expect(authResponseMeta({ errors: [], data: [] })).toEqual({});
    expect(authResponseMeta({ errors: [unauthorized], data: [] })).toEqual({});
    expect(authResponseMeta(failed(new TRPCError({ code: 'NOT_FOUND' })))).toEqual({});
    expect(authResponseMeta(failed(unauthorized, new TRPCError({ code: 'UNAUTHORIZED' })))).toEqual({});
  });

  it('uses the same status for a batch of equal auth failures', () => {
    const meta = authResponseMeta(failed(toTRPCError(new AuthError('missing_token', 'none')), toTRPCError(new AuthError('token_expired', 'expired'))));
    expect(meta.status).toBe(401);
  });
});
