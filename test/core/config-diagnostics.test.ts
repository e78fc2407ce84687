import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { AuthKitOptionsError, normalizeOptions, type AuthKitOptions } from '../../src/core/options.js';
import type { AuthKitWarning } from '../../src/core/config-diagnostics.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

const AUDIENCE = 'https://api.example.com';
const thrown = (options: AuthKitOptions): unknown => {
  try {
    normalizeOptions(options);
  } catch (error) {
    return error;
  }
  return expect.unreachable('no error');
};

describe('logtoUrl ending in /oidc is a TypeError naming the fix', () => {
  it.each([
    ['https://tenant.logto.app/oidc', 'https://tenant.logto.app'],
    ['https://tenant.logto.app/oidc/', 'https://tenant.logto.app'],
    ['https://tenant.logto.app/oidc/.well-known/openid-configuration', 'https://tenant.logto.app'],
    ['http://127.0.0.1:3001/logto/oidc', 'http://127.0.0.1:3001/logto'],
  ])('%s', (logtoUrl, endpoint) => {
    const error = thrown({ logtoUrl, audience: AUDIENCE });
    expect(error).toBeInstanceOf(AuthKitOptionsError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      `logto-authkit: option "logtoUrl" must be the Logto endpoint, not its issuer: drop "/oidc" (use "${endpoint}"; the kit derives the issuer "${endpoint}/oidc" and its JWKS)`,
    );
  });

  it('an endpoint whose path merely contains "oidc" is fine', () => {
    expect(normalizeOptions({ logtoUrl: 'https://auth.example.com/oidcish', audience: AUDIENCE }).issuers).toEqual(['https://auth.example.com/oidcish/oidc']);
  });
});

describe('likely mistakes that may be deliberate are warnings, through onWarning', () => {
  const warningsOf = (options: AuthKitOptions): AuthKitWarning[] => normalizeOptions(options).warnings.map((w) => ({ ...w }));

  it('an issuer without /oidc', () => {
    expect(warningsOf({ issuer: 'https://tenant.logto.app', jwksUrl: 'https://tenant.logto.app/oidc/jwks', audience: AUDIENCE })).toEqual([
      {
        code: 'issuer_without_oidc',
        option: 'issuer',
        message:
          'option "issuer" "https://tenant.logto.app" does not end with /oidc: a Logto issuer is "<endpoint>/oidc" (the "issuer" of its /oidc/.well-known/openid-configuration); tokens from Logto will be refused as issuer_mismatch unless this is a custom set-up',
      },
    ]);
  });

  it('a jwksUrl on another origin than every issuer', () => {
    expect(warningsOf({ logtoUrl: 'https://tenant.logto.app', jwksUrl: 'https://keys.example.net/oidc/jwks', audience: AUDIENCE })).toEqual([
      {
        code: 'jwks_other_origin',
        option: 'jwksUrl',
        message:
          'option "jwksUrl" is on https://keys.example.net, the origin of no issuer: keys from elsewhere do not verify the tenant\'s tokens (unknown_kid); use "<issuer>/jwks" unless this is a private address of the same Logto',
      },
    ]);
    expect(warningsOf({ issuer: ['https://a.example.com/oidc', 'https://tenant.logto.app/oidc'], jwksUrl: 'https://tenant.logto.app/oidc/jwks', audience: AUDIENCE })).toEqual([]);
  });

  it('an audience shaped like a Logto application id (a real one from the fixtures)', () => {
    expect(warningsOf({ logtoUrl: 'https://tenant.logto.app', audience: ['https://api.example.com', 'gqssaa3s9563aiukmkhi0'] })).toEqual([
      {
        code: 'audience_looks_like_client_id',
        option: 'audience',
        message:
          'option "audience" "gqssaa3s9563aiukmkhi0" looks like a Logto application id (client_id): the audience is the API identifier from Console > API resources (e.g. "https://api.example.com"), which tokens carry in "aud"',
      },
    ]);
  });

  it('the usual configuration warns of nothing', () => {
    expect(warningsOf({ logtoUrl: 'https://tenant.logto.app/', audience: AUDIENCE })).toEqual([]);
  });

  it('the kit tells onWarning at construction; by default console.warn says each warning once', () => {
    const told: AuthKitWarning[] = [];
    const options = { issuer: 'https://warn-once.example.com', jwksUrl: 'https://warn-once.example.com/jwks', audience: AUDIENCE };
    createAuthKit({ ...options, onWarning: (w) => told.push(w) }).close();
    expect(told.map((w) => w.code)).toEqual(['issuer_without_oidc']);
    const original = console.warn;
    const printed: unknown[][] = [];
    console.warn = (...args: unknown[]) => void printed.push(args);
    try {
      createAuthKit(options).close();
      createAuthKit(options).close();
    } finally {
      console.warn = original;
    }
    expect(printed).toEqual([[`logto-authkit: ${told[0]?.message}`]]);
  });

  it('onWarning must be a function', () => {
    expect((thrown({ logtoUrl: 'https://t.logto.app', audience: AUDIENCE, onWarning: 'log' as never }) as Error).message).toBe('logto-authkit: option "onWarning" must be a function');
  });
});

describe('with the local issuer', () => {
  let issuer: TestIssuer;
  const kits: AuthKit[] = [];
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(async () => {
    kits.forEach((kit) => kit.close());
    await issuer.close();
  });

  it('the issuer URL given as logtoUrl throws; the endpoint verifies its tokens', async () => {
    expect(() => createAuthKit({ logtoUrl: issuer.issuer, audience: issuer.audience })).toThrow(/drop "\/oidc"/);
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
    kits.push(kit);
    expect((await kit.verifyToken(await issuer.mintToken())).userId).toEqual(expect.any(String));
  });

  it('an issuer without /oidc warns at construction, and its tokens are then refused as issuer_mismatch', async () => {
    const told: AuthKitWarning[] = [];
    const kit = createAuthKit({ issuer: issuer.logtoUrl, jwksUrl: issuer.jwksUrl, audience: issuer.audience, onWarning: (w) => told.push(w) });
    kits.push(kit);
    expect(told.map((w) => w.code)).toEqual(['issuer_without_oidc']);
    expect(await kit.verifyToken(await issuer.mintToken()).catch((e: { reason: string }) => e.reason)).toBe('issuer_mismatch');
  });

  it('the client id as audience warns at construction, and an access token is then refused as audience_mismatch', async () => {
    const told: AuthKitWarning[] = [];
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: 'gn9mwc2aztybh82yst8f2', onWarning: (w) => told.push(w) });
    kits.push(kit);
    expect(told.map((w) => w.code)).toEqual(['audience_looks_like_client_id']);
    expect(await kit.verifyToken(await issuer.mintToken()).catch((e: { reason: string }) => e.reason)).toBe('audience_mismatch');
  });
});
