import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_TABLE, AuthError, isAuthError, type AuthErrorCode } from '../../src/core/errors.js';
import { authErrorResponse, authErrorToResponse } from '../../src/core/error-response.js';

describe('AuthError and the error table', () => {
  it('missing_token has a challenge without an error code (RFC 6750 §3.1)', () => {
    const e = new AuthError('missing_token', 'no access token was presented');
    expect(e.status).toBe(401);
    expect(e.wwwAuthenticate).toBe('Bearer realm="api"');
  });
  it('invalid_token carries error and an escaped description', () => {
    const e = new AuthError('invalid_token', 'bad "quoted" \\ token\r\n');
    expect(e.wwwAuthenticate).toBe('Bearer realm="api", error="invalid_token", error_description="bad \\"quoted\\" \\\\ token  "');
  });
  it('regression: seed answered a missing scope with 401 instead of 403', () => {
    const e = new AuthError('insufficient_scope', 'token lacks required scope(s): write', { requiredScopes: ['read', 'write'] });
    expect(e.status).toBe(403);
    expect(e.wwwAuthenticate).toContain('error="insufficient_scope"');
    expect(e.wwwAuthenticate).toContain('scope="read write"');
    expect(e.meaning.trpc).toBe('FORBIDDEN');
  });
  it('an outage is 503 with no invalid_token challenge', () => {
    const e = new AuthError('jwks_unavailable', 'the key set cannot be had', { cause: new Error('ECONNREFUSED') });
    expect(e.status).toBe(503);
    expect(e.wwwAuthenticate).toBeUndefined();
    expect(e.meaning.graphql).toBe('SERVICE_UNAVAILABLE');
    expect((e.cause as Error).message).toBe('ECONNREFUSED');
  });
  it('retryAfter is whole seconds of at least 1, and the HTTP answer sends it as Retry-After (RFC 9110 §10.2.3)', () => {
    const cases: [number | undefined, number | undefined][] = [[10, 10], [0.2, 1], [9.5, 10], [0, undefined], [-3, undefined], [Number.NaN, undefined], [Infinity, undefined], [undefined, undefined]];
    for (const [given, expected] of cases) {
      const e = new AuthError('jwks_unavailable', 'x', { retryAfter: given });
      expect(e.retryAfter).toBe(expected);
      expect(authErrorResponse(e).headers['retry-after']).toBe(expected === undefined ? undefined : String(expected));
    }
    expect(authErrorToResponse(new AuthError('jwks_unavailable', 'x', { retryAfter: 7 })).headers.get('retry-after')).toBe('7');
  });
  it('every code maps to a status, a tRPC code and a GraphQL code', () => {
    for (const [code, m] of Object.entries(AUTH_ERROR_TABLE)) {
      const trpc = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 500: 'INTERNAL_SERVER_ERROR', 503: 'SERVICE_UNAVAILABLE' } as const;
      const graphql = { 400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 500: 'INTERNAL_SERVER_ERROR', 503: 'SERVICE_UNAVAILABLE' } as const;
      expect(Object.keys(trpc).map(Number)).toContain(m.status);
      expect(m.trpc).toBe(trpc[m.status]);
      expect(m.graphql).toBe(graphql[m.status]);
      expect(isAuthError(new AuthError(code as AuthErrorCode, 'x'))).toBe(true);
    }
    expect(isAuthError(new Error('x'))).toBe(false);
  });
});
