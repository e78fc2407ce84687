import { describe, expect, it } from 'vitest';
import { checkStaticClaims, checkTimeClaims, organizationOf, type ClaimRules } from '../../src/core/claims.js';
import { AuthError, type AuthErrorCode } from '../../src/core/errors.js';

const rules: ClaimRules = {
  issuers: ['https://t.logto.app/oidc', 'https://auth.example.com/oidc'],
  audiences: ['https://api.example.com'],
  organizationTokens: false,
  clockTolerance: 5,
  maxTokenAge: undefined,
};
const now = 1_800_000_000;
const payload = { iss: 'https://t.logto.app/oidc', aud: 'https://api.example.com', sub: 'u1', iat: now - 10, exp: now + 3600, client_id: 'c' };

function code(fn: () => void): AuthErrorCode {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
  return 'missing_token' as never; // unreachable in passing tests; makes a non-throw visible as a wrong code
}

describe('checkStaticClaims', () => {
  it('accepts a Logto access token and either custom-domain issuer', () => {
    expect(() => checkStaticClaims(payload, rules)).not.toThrow();
    expect(() => checkStaticClaims({ ...payload, iss: 'https://auth.example.com/oidc' }, rules)).not.toThrow();
  });
  it('accepts an aud array that names this API (RFC 7519 §4.1.3)', () => {
    expect(() => checkStaticClaims({ ...payload, aud: ['https://other', 'https://api.example.com'] }, rules)).not.toThrow();
  });
  it.each([
    ['a foreign issuer', { iss: 'https://evil/oidc' }, 'invalid_issuer'],
    ['an issuer differing by a trailing slash', { iss: 'https://t.logto.app/oidc/' }, 'invalid_issuer'],
    ['a foreign audience', { aud: 'https://other.example.com' }, 'invalid_audience'],
    ['an empty aud array', { aud: [] }, 'invalid_audience'],
    ['an aud array with a non-string', { aud: ['https://api.example.com', 1] }, 'invalid_audience'],
    ['regression: seed made audience optional so ID tokens passed (aud = client id)', { aud: 'spa-client-id' }, 'invalid_audience'],
    ['an organization token while organizationTokens is off', { aud: 'urn:logto:organization:o1' }, 'invalid_audience'],
    ['no sub', { sub: undefined }, 'invalid_claims'],
    ['a numeric scope', { scope: 5 }, 'invalid_claims'],
    ['a non-string organization_id', { organization_id: 42 }, 'invalid_claims'],
    ['regression: seed accepted exp-less tokens', { exp: undefined }, 'invalid_token'],
    ['exp: 1e400 (Infinity)', { exp: Infinity }, 'invalid_token'],
    ['exp as a string', { exp: String(now + 10) }, 'invalid_token'],
    ['nbf as NaN', { nbf: NaN }, 'invalid_token'],
    ['iat as null', { iat: null }, 'invalid_token'],
  ])('refuses %s', (_name, patch, expected) => {
    expect(code(() => checkStaticClaims({ ...payload, ...patch }, rules))).toBe(expected);
  });
  it('regression: seed echoed the expected issuer and audience to the client', () => {
    for (const patch of [{ iss: 'https://evil/oidc' }, { aud: 'x' }]) {
      let error: unknown;
      try {
        checkStaticClaims({ ...payload, ...patch }, rules);
      } catch (thrown) {
        error = thrown;
      }
      // Outside the catch: an accepted token must fail here, not be swallowed as "an error without secrets".
      expect(error).toBeInstanceOf(AuthError);
      const { message, wwwAuthenticate } = error as AuthError;
      for (const secret of [...rules.issuers, ...rules.audiences, 'https://evil/oidc']) {
        expect(message).not.toContain(secret);
        expect(wwwAuthenticate).not.toContain(secret);
      }
    }
  });
  it('accepts organization tokens only when enabled', () => {
    expect(() => checkStaticClaims({ ...payload, aud: 'urn:logto:organization:o1' }, { ...rules, organizationTokens: true })).not.toThrow();
    expect(code(() => checkStaticClaims({ ...payload, aud: 'urn:logto:organization:' }, { ...rules, organizationTokens: true }))).toBe('invalid_audience');
  });
});

describe('checkTimeClaims', () => {
  const at = (seconds: number) => seconds * 1000;
  it('accepts within the clock tolerance and refuses past it', () => {
    expect(() => checkTimeClaims({ ...payload, exp: now }, rules, at(now + 4))).not.toThrow();
    expect(code(() => checkTimeClaims({ ...payload, exp: now }, rules, at(now + 5)))).toBe('token_expired');
  });
  it('regression: seed used zero clock tolerance', () => {
    expect(() => checkTimeClaims({ ...payload, nbf: now + 3, iat: now + 3 }, rules, at(now))).not.toThrow();
  });
  it('refuses nbf and iat in the future', () => {
    expect(code(() => checkTimeClaims({ ...payload, nbf: now + 60 }, rules, at(now)))).toBe('token_not_yet_valid');
    expect(code(() => checkTimeClaims({ ...payload, iat: now + 60 }, rules, at(now)))).toBe('token_not_yet_valid');
  });
  it('enforces maxTokenAge from iat', () => {
    const strict = { ...rules, maxTokenAge: 300 };
    expect(() => checkTimeClaims({ ...payload, iat: now - 300 }, strict, at(now))).not.toThrow();
    expect(code(() => checkTimeClaims({ ...payload, iat: now - 306 }, strict, at(now)))).toBe('token_too_old');
    expect(code(() => checkTimeClaims({ ...payload, iat: undefined }, strict, at(now)))).toBe('token_too_old');
  });
});

describe('organizationOf', () => {
  it('reads organization_id, or the organization token audience', () => {
    expect(organizationOf({ organization_id: 'o1', aud: 'https://api' })).toEqual({ organizationId: 'o1', isOrganizationToken: false });
    expect(organizationOf({ aud: 'urn:logto:organization:o2' })).toEqual({ organizationId: 'o2', isOrganizationToken: true });
    expect(organizationOf({ aud: 'https://api' })).toEqual({ organizationId: undefined, isOrganizationToken: false });
  });
});

describe('one token, one organization', () => {
  const orgRules = { ...rules, organizationTokens: true };
  it('refuses an organization token whose organization_id names another organization', () => {
    expect(code(() => checkStaticClaims({ ...payload, aud: 'urn:logto:organization:a', organization_id: 'b' }, orgRules))).toBe('invalid_claims');
    expect(code(() => checkStaticClaims({ ...payload, aud: ['urn:logto:organization:a', 'urn:logto:organization:b'] }, orgRules))).toBe('invalid_claims');
  });
  it('accepts an organization token whose organization_id agrees', () => {
    expect(() => checkStaticClaims({ ...payload, aud: 'urn:logto:organization:a', organization_id: 'a' }, orgRules)).not.toThrow();
  });
});
