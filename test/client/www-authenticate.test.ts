import { bearerError } from 'logto-authkit/client';
import { AuthError } from 'logto-authkit';
import { describe, expect, it } from 'vitest';

describe('bearerError', () => {
  it('reads the error of the kit’s own challenges', () => {
    expect(bearerError(new AuthError('token_expired', 'the token has expired').wwwAuthenticate)).toBe('invalid_token');
    expect(bearerError(new AuthError('token_revoked', 'revoked, "quoted", with commas').wwwAuthenticate)).toBe('invalid_token');
    expect(bearerError(new AuthError('insufficient_scope', 'missing', { requiredScopes: ['a', 'b'] }).wwwAuthenticate)).toBe('insufficient_scope');
    expect(bearerError(new AuthError('missing_token', 'no token').wwwAuthenticate)).toBeUndefined();
  });

  it('finds the Bearer challenge among several, and ignores another scheme’s error', () => {
    expect(bearerError('DPoP error="use_dpop_nonce", Bearer realm="api", error="invalid_token"')).toBe('invalid_token');
    expect(bearerError('DPoP error="invalid_token", Bearer realm="api"')).toBeUndefined();
    expect(bearerError('Basic abc==, Bearer error=invalid_token')).toBe('invalid_token');
    expect(bearerError('bearer ERROR = "invalid_token"')).toBe('invalid_token');
  });

  it('a quoted description holding `error="invalid_token"` is not the error', () => {
    expect(bearerError('Bearer realm="api", error_description="not error=\\"invalid_token\\"", error="insufficient_scope"')).toBe('insufficient_scope');
    expect(bearerError('Bearer error_description="error=invalid_token"')).toBeUndefined();
  });

  it('empty or absent headers have none', () => {
    expect(bearerError(null)).toBeUndefined();
    expect(bearerError('')).toBeUndefined();
    expect(bearerError('Bearer')).toBeUndefined();
  });
});
