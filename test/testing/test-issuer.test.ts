import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url, calculateJwkThumbprint, createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, generateKeyPair, jwtVerify } from 'jose';
import { createTestIssuer } from '../../src/testing/index.js';
import type { TestIssuer } from '../../src/testing/index.js';

const NOW = Date.UTC(2030, 0, 1);
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ now: () => NOW });
});
afterAll(async () => {
  await issuer.close();
});

/** Verifies against the served JWKS with a fresh remote set (no cache carried between checks). */
function verify(token: string, audience = issuer.audience, typ = 'at+jwt') {
  return jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUrl)), {
    issuer: issuer.issuer,
    audience,
    typ,
    currentDate: new Date(NOW + 1000),
  });
}

describe('createTestIssuer', () => {
  it('exposes Logto-shaped URLs on 127.0.0.1', () => {
    expect(issuer.logtoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.issuer).toBe(`${issuer.logtoUrl}/oidc`);
    expect(issuer.jwksUrl).toBe(`${issuer.logtoUrl}/oidc/jwks`);
    expect(issuer.audience).toBe('https://api.example.test');
    expect(issuer.clientId).toBe('test-client');
  });

  it('mints an ES384 at+jwt access token with thumbprint kid and Logto claims', async () => {
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const { payload, protectedHeader } = await verify(token);
    const [jwk] = issuer.jwks().keys;
    expect(protectedHeader).toEqual({ alg: 'ES384', typ: 'at+jwt', kid: await calculateJwkThumbprint(jwk ?? {}) });
    expect(Object.keys(payload)).toEqual(['jti', 'sub', 'iat', 'exp', 'scope', 'client_id', 'iss', 'aud']);
    expect(payload).toMatchObject({ scope: 'read:posts', client_id: 'test-client', iat: NOW / 1000, exp: NOW / 1000 + 3600 });
    expect(payload.sub).toMatch(/^user-/);
  });

  it('omits scope unless given and removes claims set to undefined', async () => {
    const token = await issuer.mintToken({ exp: undefined, sub: 'u1', custom: 1 });
    const payload = decodeJwt(token);
    expect(payload).not.toHaveProperty('scope');
    expect(payload).not.toHaveProperty('exp');
    expect(payload).toMatchObject({ sub: 'u1', custom: 1 });
  });

  it('applies expiresIn, now, kid and header options; undefined removes a header member', async () => {
    const token = await issuer.mintToken({}, { expiresIn: 60, now: NOW - 10_000, kid: 'other', header: { typ: undefined, x: 1 } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES384', kid: 'other', x: 1 });
    expect(decodeJwt(token)).toMatchObject({ iat: NOW / 1000 - 10, exp: NOW / 1000 + 50 });
  });

  it('mints logout and ID tokens that do not pass as access tokens', async () => {
    const logout = await issuer.mintLogoutToken({ sub: 'u1', sid: 's1' });
    const { payload, protectedHeader } = await verify(logout, 'test-client', 'logout+jwt');
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload).toMatchObject({ sub: 'u1', sid: 's1', exp: NOW / 1000 + 120, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    expect(typeof payload.jti).toBe('string');
    await expect(verify(logout, 'test-client')).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);

    const id = await issuer.mintIdToken({ sub: 'u1' });
    const verified = await verify(id, 'test-client', 'JWT');
    expect(verified.payload).not.toHaveProperty('client_id');
    await expect(verify(id, 'test-client')).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
  });

  it('mints organization tokens with the urn audience and joined scopes', async () => {
    const token = await issuer.mintOrganizationToken('org1', ['read:org', 'write:org']);
    const { payload } = await verify(token, 'urn:logto:organization:org1');
    expect(payload.scope).toBe('read:org write:org');
    expect(decodeJwt(await issuer.mintOrganizationToken('org1')).scope).toBe('');
  });

  it('serves the JWKS with Logto headers and counts requests', async () => {
    const before = issuer.jwksRequests;
    const response = await fetch(issuer.jwksUrl);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBeNull();
    expect(await response.json()).toEqual(issuer.jwks());
    expect(issuer.jwksRequests).toBe(before + 1);
    await fetch(`${issuer.issuer}/.well-known/openid-configuration`);
    expect(issuer.jwksRequests).toBe(before + 1);
  });

  it('serves discovery pointing at its JWKS', async () => {
    const config = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUrl, id_token_signing_alg_values_supported: ['ES384'] });
  });

  it('publishes exactly what setJWKS sets, then resets', async () => {
    const token = await issuer.mintToken();
    issuer.setJWKS({ keys: [] });
    await expect(verify(token)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    issuer.setJWKS('not json');
    expect(await (await fetch(issuer.jwksUrl)).text()).toBe('not json');
    issuer.setJWKS(undefined);
    await expect(verify(token)).resolves.toBeDefined();
  });

  it('rejects a token signed by a foreign key that claims the current kid', async () => {
    const { privateKey } = await generateKeyPair('ES384');
    const forged = await issuer.mintToken({}, { key: privateKey });
    expect(decodeProtectedHeader(forged).kid).toBe(issuer.jwks().keys[0]?.kid);
    await expect(verify(forged)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('yields a failing signature when header.alg lies about the algorithm', async () => {
    const token = await issuer.mintToken({}, { header: { alg: 'ES256' } });
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    await expect(jwtVerify(token, createLocalJWKSet(issuer.jwks()), { currentDate: new Date(NOW) })).rejects.toThrow();
    // Only the header was swapped: restoring the real one makes the signature valid again.
    const [, payload, signature] = token.split('.');
    const real = base64url.encode(JSON.stringify({ ...decodeProtectedHeader(token), alg: 'ES384' }));
    await expect(verify(`${real}.${payload}.${signature}`)).resolves.toBeDefined();
    await expect(issuer.mintToken({}, { alg: 'HS256' })).rejects.toThrow(TypeError);
  });
});

describe('key rotation', () => {
  it('signs with a new key and keeps only the previous one published', async () => {
    const own = await createTestIssuer({ now: () => NOW });
    try {
      const first = own.jwks().keys[0]?.kid;
      const old = await own.mintToken();
      await own.rotateKeys();
      const kids = own.jwks().keys.map((key) => key.kid);
      expect(kids).toHaveLength(2);
      expect(kids[1]).toBe(first);
      const fresh = await own.mintToken();
      expect(decodeProtectedHeader(fresh).kid).toBe(kids[0]);
      expect(decodeProtectedHeader(await own.mintToken({}, { key: 'previous' })).kid).toBe(first);
      const jwks = createRemoteJWKSet(new URL(own.jwksUrl));
      const opts = { issuer: own.issuer, audience: own.audience, currentDate: new Date(NOW) };
      await expect(jwtVerify(old, jwks, opts)).resolves.toBeDefined();
      await expect(jwtVerify(fresh, jwks, opts)).resolves.toBeDefined();
      await own.rotateKeys();
      expect(own.jwks().keys.map((key) => key.kid)).not.toContain(first);
    } finally {
      await own.close();
    }
  });

  it('refuses key "previous" before any rotation', async () => {
    await expect(issuer.mintToken({}, { key: 'previous' })).rejects.toThrow(/rotateKeys/);
  });
});

describe('RSA keys', () => {
  it('publishes RSA JWKs without alg and signs RS256 and PS256 with one key', async () => {
    const rsa = await createTestIssuer({ alg: 'RS256', now: () => NOW });
    try {
      const [jwk] = rsa.jwks().keys;
      expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig' });
      expect(jwk).not.toHaveProperty('alg');
      const jwks = createRemoteJWKSet(new URL(rsa.jwksUrl));
      const opts = { issuer: rsa.issuer, audience: rsa.audience, currentDate: new Date(NOW) };
      for (const alg of ['RS256', 'PS256']) {
        const { protectedHeader } = await jwtVerify(await rsa.mintToken({}, { alg }), jwks, opts);
        expect(protectedHeader).toMatchObject({ alg, kid: jwk?.kid });
      }
      expect(rsa.jwks().keys).toHaveLength(1);
    } finally {
      await rsa.close();
    }
  });

  it('makes and publishes a key for another algorithm on first use', async () => {
    expect(issuer.jwks().keys.some((key) => key.kty === 'RSA')).toBe(false);
    const token = await issuer.mintToken({}, { alg: 'RS256' });
    const rsaKey = issuer.jwks().keys.find((key) => key.kty === 'RSA');
    expect(rsaKey).toBeDefined();
    expect(rsaKey).not.toHaveProperty('alg');
    await expect(verify(token)).resolves.toMatchObject({ protectedHeader: { alg: 'RS256', kid: rsaKey?.kid } });
    const es256 = await issuer.mintToken({}, { alg: 'ES256' });
    await expect(verify(es256)).resolves.toMatchObject({ protectedHeader: { alg: 'ES256' } });
    expect(issuer.jwks().keys.find((key) => key.alg === 'ES256')).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });
});
