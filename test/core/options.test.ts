import { describe, expect, it } from 'vitest';
import { AuthKitOptionsError, normalizeOptions, type AuthKitOptions } from '../../src/core/options.js';

const base = { logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' };
const bad = (options: unknown) => () => normalizeOptions(options as AuthKitOptions);

describe('normalizeOptions', () => {
  it('fills Logto defaults: issuer {endpoint}/oidc, JWKS {issuer}/jwks', () => {
    const o = normalizeOptions({ ...base, logtoUrl: 'https://tenant.logto.app/' });
    expect(o.issuers).toEqual(['https://tenant.logto.app/oidc']);
    expect(o.jwksUrl).toBe('https://tenant.logto.app/oidc/jwks');
    expect(o.audiences).toEqual(['https://api.example.com']);
    expect(o.cookieName).toBe('logto_authtoken');
    expect(o.guestCookieName).toBe('guest_logto_authtoken');
    expect(o.tokenSources).toEqual(['cookie', 'header']);
    expect(o.algorithms).toEqual(['ES384', 'ES256', 'ES512', 'RS256', 'PS256']);
    expect(o.clockTolerance).toBe(5);
    expect(o.jwksCacheTtl).toBe(300_000);
    expect(o.jwksCooldown).toBe(30_000);
    expect(o.jwksTimeout).toBe(5_000);
    expect(o.jwksStaleTtl).toBe(3_600_000);
    expect(o.tokenCache).toEqual({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 });
    expect(o.maxTokenSize).toBe(16_384);
    expect(o.allowGuest).toBe(false);
    expect(o.csrf).toEqual({ trustedOrigins: new Set() });
  });

  it('accepts several issuers (custom domains) and an explicit JWKS URL without logtoUrl', () => {
    const o = normalizeOptions({ audience: 'a', issuer: ['https://auth.example.com/oidc', 'https://t.logto.app/oidc'], jwksUrl: 'https://t.logto.app/oidc/jwks' });
    expect(o.issuers).toHaveLength(2);
    expect(o.jwksUrl).toBe('https://t.logto.app/oidc/jwks');
  });

  it('does not mutate the caller object', () => {
    const input = { ...base, requiredScope: 'read' };
    const copy = structuredClone(input);
    normalizeOptions(input);
    expect(input).toEqual(copy);
  });

  it.each([
    ['missing audience', { logtoUrl: base.logtoUrl }, /option "audience" is required/],
    ['logtoUrl not a URL', { ...base, logtoUrl: 'tenant.logto.app' }, /option "logtoUrl"/],
    ['no logtoUrl and no issuer', { audience: 'a' }, /option "logtoUrl" is required unless/],
    ['alg none', { ...base, algorithms: ['ES384', 'none'] }, /option "algorithms\.1" "none" is never accepted/],
    ['HS256', { ...base, algorithms: ['HS256'] }, /option "algorithms\.0" "HS256" is never accepted/],
    ['negative TTL', { ...base, jwksCacheTtl: -1 }, /option "jwksCacheTtl" must not be negative/],
    ['zero timeout', { ...base, jwksTimeout: 0 }, /option "jwksTimeout" must be positive/],
    ['empty audience list', { ...base, audience: [] }, /option "audience"/],
    ['unknown option', { ...base, audiance: 'x' }, /unknown option\(s\) audiance/],
    ['bad cookie name', { ...base, cookieName: 'a;b' }, /option "cookieName"/],
    ['bad token source', { ...base, tokenSources: ['query'] }, /option "tokenSources\.0"/],
    ['scope with a space', { ...base, requiredScope: 'read write' }, /option "requiredScope"/],
    ['zero tokenCache.maxBytes', { ...base, tokenCache: { maxBytes: 0 } }, /option "tokenCache\.maxBytes" must be positive/],
    ['a misspelt tokenCache key', { ...base, tokenCache: { maxEntry: 5 } }, /option "tokenCache" has unknown key\(s\) maxEntry/],
    ['a misspelt csrf key', { ...base, csrf: { trustedOrigin: ['https://a.example'] } }, /option "csrf" has unknown key\(s\) trustedOrigin/],
    ['a trusted origin that is no URL', { ...base, csrf: { trustedOrigins: ['a.example'] } }, /option "csrf\.trustedOrigins\.0" must be an http\(s\) URL/],
    ['a number given as a string', { ...base, jwksTimeout: '5000' }, /option "jwksTimeout" must be a finite number/],
    ['a fractional duration', { ...base, jwksCooldown: 1.5 }, /option "jwksCooldown" must be an integer/],
    ['a clock tolerance over 5 minutes', { ...base, clockTolerance: 301 }, /option "clockTolerance" must be at most 300 seconds/],
    ['a token size over 1 MiB', { ...base, maxTokenSize: 2 << 20 }, /option "maxTokenSize" must be at most 1 MiB/],
    ['an audience that is a number', { ...base, audience: 42 }, /option "audience" must be a string/],
    ['an empty audience in a list', { ...base, audience: ['a', ''] }, /option "audience\.1" must not be empty/],
    ['a claims schema without safeParse', { ...base, claims: {} }, /option "claims" must be a zod schema/],
    ['an ftp issuer', { ...base, issuer: 'ftp://t.logto.app/oidc' }, /option "issuer" must be an http\(s\) URL/],
  ])('rejects %s with a message naming the option', (_name, options, message) => {
    expect(bad(options)).toThrow(AuthKitOptionsError);
    expect(bad(options)).toThrow(TypeError);
    expect(bad(options)).toThrow(message);
  });

  it('names every problem at once, unknown options first', () => {
    expect(bad({ ...base, jwksTimeout: 0, allowGuest: 'yes', audiance: 'x' })).toThrow(
      'logto-authkit: unknown option(s) audiance; option "allowGuest" must be a boolean; option "jwksTimeout" must be positive',
    );
  });

  it('accepts an empty requiredScope list and an empty trustedOrigins list', () => {
    expect(normalizeOptions({ ...base, requiredScope: [], csrf: { trustedOrigins: [] } }).requiredScopes).toEqual([]);
  });

  it('rejects a non-object', () => {
    expect(bad(undefined)).toThrow(/options must be an object/);
  });
});
