/**
 * The adversarial corpus: one named test per known attack on JWT verifiers,
 * each token sent end-to-end through a kit whose key set lives on 127.0.0.1.
 * Complete on its own (some cases repeat test/core/precheck.test.ts on purpose).
 */
import { createHmac, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, type AuthErrorCode } from '../../src/core/errors.js';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import type { AuthKitOptions } from '../../src/core/options.js';
import { startServer, type ControlledServer } from '../helpers/serve-json.js';
import { AUDIENCE, b64, startForge, type Forge } from './forge.js';

let forge: Forge;
let kit: AuthKit;
// An attacker's server: any request it receives means the verifier followed a URL from a token.
let attacker: ControlledServer;
const kits: AuthKit[] = [];

const newKit = (extra: Partial<AuthKitOptions> = {}): AuthKit => {
  const made = createAuthKit({ logtoUrl: forge.logtoUrl, audience: AUDIENCE, ...extra });
  kits.push(made);
  return made;
};

beforeAll(async () => {
  forge = await startForge();
  attacker = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'));
  kit = newKit();
  await kit.verifyToken(await forge.token());
});
afterAll(async () => {
  for (const k of kits) k.close();
  await Promise.all([forge.close(), attacker.close()]);
});

/** Asserts `token` is refused with `code`, by verifyToken and by createAuthContext (401, never 503), without echoing it. */
async function refused(token: string, code: AuthErrorCode = 'invalid_token', via: AuthKit = kit): Promise<AuthError> {
  const error: unknown = await via.verifyToken(token).then(() => expect.unreachable('the token was accepted'), (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.code).toBe(code);
  expect(authError.status).toBe(401);
  expect(authError.message).not.toContain(token);
  const auth = await via.createAuthContext({ headers: { authorization: `Bearer ${token}` } });
  expect(auth.status).toBe('anonymous');
  if (auth.status === 'anonymous') expect(auth.error.status).toBe(401);
  return authError;
}

const header = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ alg: 'ES384', typ: 'at+jwt', kid: forge.es384.kid, ...extra });

describe('positive control', () => {
  it('a genuine token from the forge is accepted (so every refusal below is about the attack)', async () => {
    await expect(kit.verifyToken(await forge.token({ sub: 'genuine' }))).resolves.toMatchObject({ status: 'authenticated', userId: 'genuine' });
    await expect(kit.verifyToken(await forge.sign({ alg: 'RS256', typ: 'at+jwt', kid: forge.rs256.kid }, forge.claims(), forge.rs256, 'RS256'))).resolves.toMatchObject({ status: 'authenticated' });
  });
});

describe('unsigned tokens: alg "none" (CVE-2015-9235 family)', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s with an empty signature is refused', async (alg) => {
    const unsigned = `${b64({ ...header(), alg })}.${b64(forge.claims())}.`;
    await refused(unsigned);
  });
  it.each(['none', 'None', 'NONE'])('alg %s with a signature copied from a genuine token is refused', async (alg) => {
    const genuine = await forge.token();
    const signature = genuine.split('.')[2] ?? '';
    await refused(`${b64({ ...header(), alg })}.${b64(forge.claims({ sub: 'admin' }))}.${signature}`);
  });
  it('alg "none" cannot be configured', () => {
    expect(() => newKit({ algorithms: ['none'] })).toThrow(/never accepted/);
  });
});

describe('RS/HS key confusion (CVE-2016-10555, CVE-2015-9235)', () => {
  const hmac = (hash: string, secret: string | Buffer, h: Record<string, unknown>, p: Record<string, unknown>): string => {
    const input = `${b64(h)}.${b64(p)}`;
    return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
  };
  it('HS256 signed with the published RSA key as PEM is refused', async () => {
    const pem = createPublicKey({ key: forge.rs256.jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    await refused(hmac('sha256', pem, { alg: 'HS256', typ: 'at+jwt', kid: forge.rs256.kid }, forge.claims({ sub: 'admin' })));
  });
  it('HS256 signed with the published RSA JWK as JSON text is refused', async () => {
    await refused(hmac('sha256', JSON.stringify(forge.rs256.jwk), { alg: 'HS256', typ: 'at+jwt', kid: forge.rs256.kid }, forge.claims({ sub: 'admin' })));
  });
  it('HS384 signed with the EC public key coordinates is refused', async () => {
    await refused(hmac('sha384', String(forge.es384.jwk.x), { alg: 'HS384', typ: 'at+jwt', kid: forge.es384.kid }, forge.claims({ sub: 'admin' })));
  });
  it('an HMAC algorithm cannot be configured', () => {
    expect(() => newKit({ algorithms: ['HS256'] })).toThrow(/never accepted/);
  });
  it('a symmetric (oct) key published in the JWKS is never used: HS256 with its secret is refused', async () => {
    const secret = Buffer.from('published-by-mistake-0123456789ab');
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ kty: 'oct', kid: 'shared', k: secret.toString('base64url') }, forge.es384.jwk] }));
    });
    try {
      const octKit = createAuthKit({ issuer: forge.issuer, jwksUrl: `${server.url}/oidc/jwks`, audience: AUDIENCE });
      kits.push(octKit);
      await refused(hmac('sha256', secret, { alg: 'HS256', typ: 'at+jwt', kid: 'shared' }, forge.claims({ sub: 'admin' })), 'invalid_token', octKit);
    } finally {
      await server.close();
    }
  });
  it('an RS256 header naming the EC key is refused (a key verifies only its own family)', async () => {
    await refused(await forge.sign({ alg: 'RS256', typ: 'at+jwt', kid: forge.es384.kid }, forge.claims(), forge.rs256, 'RS256'));
  });
  it('an ES256 header naming the ES384 key is refused (the curve must match the alg)', async () => {
    await refused(await forge.sign(header({ alg: 'ES256' }), forge.claims()));
  });
});

describe('keys named by the token itself', () => {
  async function attackerKey() {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const jwk = await exportJWK(publicKey);
    return { privateKey, jwk: { ...jwk, kid: await calculateJwkThumbprint(jwk) } };
  }
  it('embedded jwk with the attacker’s own key is refused (CVE-2018-0114)', async () => {
    const own = await attackerKey();
    const key = { privateKey: own.privateKey, jwk: own.jwk, kid: own.jwk.kid };
    await refused(await forge.sign(header({ jwk: own.jwk, kid: own.jwk.kid }), forge.claims({ sub: 'admin' }), key));
    await refused(await forge.sign(header({ jwk: own.jwk }), forge.claims({ sub: 'admin' }), key));
  });
  it.each(['jku', 'x5u'])('%s pointing at the attacker’s server is refused and never fetched', async (name) => {
    const before = attacker.requests.length;
    const own = await attackerKey();
    const key = { privateKey: own.privateKey, jwk: own.jwk, kid: own.jwk.kid };
    await refused(await forge.sign(header({ [name]: `${attacker.url}/jwks`, kid: own.jwk.kid }), forge.claims({ sub: 'admin' }), key));
    // Even a genuinely signed token naming a URL is refused: keys come only from the configured JWKS.
    await refused(await forge.token({}, { [name]: `${attacker.url}/jwks` }));
    expect(attacker.requests.length).toBe(before);
  });
  it('x5c with an attacker certificate chain is refused', async () => {
    await refused(await forge.token({}, { x5c: ['MIIBszCCAVmgAwIBAgIUattacker'] }));
  });
});

describe('kid injection', () => {
  it.each([
    ['path traversal', '../../../../../../dev/null'],
    ['path traversal to a file with known content', '/proc/self/environ'],
    ['SQL text', "' UNION SELECT 'secret' AS key --"],
    ['SQL tautology', "x' OR '1'='1"],
    ['a NUL byte', 'kid\u0000'],
    ['shell metacharacters', '$(curl attacker)|`id`'],
    ['prototype names', '__proto__'],
    ['constructor', 'constructor'],
  ])('a kid with %s is refused without more than one JWKS fetch', async (_name, kid) => {
    const fresh = newKit();
    await fresh.verifyToken(await forge.token());
    const before = forge.jwksHits();
    const own = await generateKeyPair('ES384');
    await refused(await forge.sign(header({ kid }), forge.claims({ sub: 'admin' }), { privateKey: own.privateKey, jwk: { kty: 'EC', kid }, kid }), 'invalid_token', fresh);
    await refused(await forge.sign(header({ kid }), forge.claims({ sub: 'admin' }), { privateKey: own.privateKey, jwk: { kty: 'EC', kid }, kid }), 'invalid_token', fresh);
    expect(forge.jwksHits() - before).toBeLessThanOrEqual(1);
  });
  it('a kid of 10,000 characters is refused before any JWKS fetch', async () => {
    const fresh = newKit();
    const before = forge.jwksHits();
    await refused(`${b64(header({ kid: 'k'.repeat(10_000) }))}.${b64(forge.claims())}.c2ln`, 'invalid_token', fresh);
    expect(forge.jwksHits()).toBe(before);
  });
});

describe('ECDSA psychic signatures (CVE-2022-21449)', () => {
  it.each([
    ['r = s = 0', Buffer.alloc(96)],
    ['r = s = 0, one byte', Buffer.alloc(1)],
    ['r = 0, s = 1', Buffer.concat([Buffer.alloc(48), Buffer.alloc(47), Buffer.from([1])])],
    ['r = s = the curve order n', Buffer.from(`${'ff'.repeat(24)}c7634d81f4372ddf581a0db248b0a77aecec196accc52973`.repeat(2), 'hex')],
  ])('an ES384 signature with %s is refused', async (_name, signature) => {
    const genuine = await forge.token({ sub: 'admin' });
    const [h, p] = genuine.split('.');
    await refused(`${h}.${p}.${signature.toString('base64url')}`);
  });
});

describe('crit (RFC 7515 §4.1.11)', () => {
  it('a genuinely signed token with an unknown critical extension is refused', async () => {
    await refused(await forge.token({}, { crit: ['urn:example:evil'], 'urn:example:evil': true }));
  });
  it('crit naming a registered parameter or malformed crit is refused', async () => {
    await refused(await forge.token({}, { crit: ['exp'], exp: 1 }));
    await refused(await forge.token({}, { crit: [] }));
    await refused(await forge.token({}, { crit: 'b64' }));
  });
});

describe('duplicate JSON members (claim smuggling between parsers)', () => {
  it('duplicate alg in the header is refused, even genuinely signed', async () => {
    await refused(await forge.sign(`{"alg":"ES384","typ":"at+jwt","kid":"${forge.es384.kid}","alg":"none"}`, forge.claims()));
  });
  it('duplicate kid in the header is refused', async () => {
    await refused(await forge.sign(`{"alg":"ES384","typ":"at+jwt","kid":"other","kid":"${forge.es384.kid}"}`, forge.claims()));
  });
  it.each(['sub', 'aud', 'scope', 'exp'])('duplicate %s in a genuinely signed payload is refused', async (name) => {
    const claims = forge.claims();
    const json = JSON.stringify(claims).replace(/}$/, `,"${name}":${JSON.stringify(name === 'exp' ? 9_999_999_999 : 'admin')}}`);
    await refused(await forge.sign(header(), json));
  });
  it('a duplicate hidden behind a unicode escape is refused', async () => {
    const json = JSON.stringify(forge.claims()).replace(/}$/, ',"\\u0073ub":"admin"}');
    await refused(await forge.sign(header(), json));
  });
});

describe('typ confusion (RFC 8725 §3.11)', () => {
  it.each([
    ['an ID token (typ JWT)', { typ: 'JWT' }],
    ['a logout token (typ logout+jwt)', { typ: 'logout+jwt' }],
    ['a token without typ', { typ: undefined }],
    ['typ with surrounding space', { typ: ' at+jwt' }],
    ['typ as an array', { typ: ['at+jwt'] }],
    ['typ application/jwt', { typ: 'application/jwt' }],
  ])('%s, genuinely signed, is refused', async (_name, extra) => {
    const h = JSON.parse(JSON.stringify(header(extra))) as Record<string, unknown>;
    await refused(await forge.sign(h, forge.claims()));
  });
  it('a Logto ID token shape (aud = client id, no client_id) is refused even with typ at+jwt', async () => {
    await refused(await forge.token({ aud: 'spa-app', client_id: undefined }), 'invalid_audience');
  });
});

describe('audience games (RFC 7519 §4.1.3)', () => {
  it.each([
    ['an empty array', []],
    ['another API', 'https://other.example.test'],
    ['an array of other APIs', ['https://other.example.test']],
    ['ours plus a number', [AUDIENCE, 7]],
    ['ours plus null', [AUDIENCE, null]],
    ['an object keyed by ours', { [AUDIENCE]: true }],
    ['a prefix of ours', 'https://api.example'],
    ['ours with a suffix', `${AUDIENCE}.evil.test`],
    ['ours with a trailing slash', `${AUDIENCE}/`],
    ['ours in another case', AUDIENCE.toUpperCase()],
    ['an organization audience (not enabled)', 'urn:logto:organization:o1'],
    ['null', null],
  ])('aud = %s is refused', async (_name, aud) => {
    await refused(await forge.token({ aud }), 'invalid_audience');
  });
  it('an array naming ours among others is accepted (RFC 7519 §4.1.3), so it is no bypass', async () => {
    await expect(kit.verifyToken(await forge.token({ aud: ['https://other.example.test', AUDIENCE] }))).resolves.toMatchObject({ status: 'authenticated' });
  });
});

describe('time claims of the wrong type or size', () => {
  const raw = async (replace: (json: string) => string) => forge.sign(header(), replace(JSON.stringify(forge.claims())));
  it.each([
    ['exp as a string', { exp: '9999999999' }, 'invalid_token'],
    ['exp null', { exp: null }, 'invalid_token'],
    ['exp missing', { exp: undefined }, 'invalid_token'],
    ['exp as an array', { exp: [9_999_999_999] }, 'invalid_token'],
    ['exp as a boolean', { exp: true }, 'invalid_token'],
    ['exp negative', { exp: -1 }, 'token_expired'],
    ['exp zero', { exp: 0 }, 'token_expired'],
    ['nbf as a string', { nbf: '0' }, 'invalid_token'],
    ['nbf far in the future', { nbf: 9_999_999_999 }, 'token_not_yet_valid'],
    ['iat as a string', { iat: 'now' }, 'invalid_token'],
    ['iat far in the future', { iat: 9_999_999_999 }, 'token_not_yet_valid'],
  ] as const)('%s is refused', async (_name, extra, code) => {
    const claims = JSON.parse(JSON.stringify(forge.claims(extra))) as Record<string, unknown>;
    await refused(await forge.sign(header(), claims), code);
  });
  it.each([
    ['exp 1e400 (Infinity once parsed: never expiring to a naive check)', (j: string) => j.replace(/"exp":\d+/, '"exp":1e400')],
    ['exp -1e400', (j: string) => j.replace(/"exp":\d+/, '"exp":-1e400')],
    ['nbf 1e400', (j: string) => j.replace(/}$/, ',"nbf":1e400}')],
    ['iat -1e400', (j: string) => j.replace(/"iat":\d+/, '"iat":-1e400')],
  ])('%s is refused', async (_name, replace) => {
    await refused(await raw(replace));
  });
  it('regression: a huge but finite exp (1e308) was accepted with expiresAt an Invalid Date', async () => {
    await refused(await raw((j) => j.replace(/"exp":\d+/, '"exp":1e308')));
    await refused(await raw((j) => j.replace(/"exp":\d+/, '"exp":8640000000001')));
    // The last second a Date can hold is still a date.
    const far = await kit.verifyToken(await raw((j) => j.replace(/"exp":\d+/, '"exp":8640000000000')));
    expect(Number.isFinite(far.expiresAt.getTime())).toBe(true);
  });
});

describe('base64url whitespace and padding tricks (RFC 7515 §2, §7.1)', () => {
  const variants: [string, (t: string) => string][] = [
    ['padding after the header', (t) => t.replace('.', '=.')],
    ['padding after the signature', (t) => `${t}==`],
    ['a space inside the payload', (t) => { const [h, p, x] = t.split('.'); return `${h}.${p?.slice(0, 5)} ${p?.slice(5)}.${x}`; }],
    ['a newline inside the signature', (t) => `${t.slice(0, -10)}\n${t.slice(-10)}`],
    ['a tab before the token', (t) => `\t${t}`],
    ['standard base64 characters', (t) => t.replace(/-/g, '+').replace(/_/g, '/')],
    ['a zero-width space', (t) => t.replace('.', '\u200b.')],
    ['a fourth segment', (t) => `${t}.c2ln`],
    ['an empty signature segment', (t) => t.replace(/\.[^.]*$/, '.')],
  ];
  it.each(variants)('%s is refused', async (_name, mutate) => {
    const token = mutate(await forge.token());
    const error = await kit.verifyToken(token).then(() => expect.unreachable('accepted'), (e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_token', status: 401 });
  });
  it('a header re-encoded with other trailing bits (same bytes, other text) is refused', async () => {
    const token = await forge.token();
    const [h, p, x] = token.split('.') as [string, string, string];
    const last = h.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    await refused(`${h.slice(0, -1)}${sibling}.${p}.${x}`);
  });
  // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; RFC 9110 §5.5 trims the field value's OWS.
  it.each([
    ['two spaces after the scheme (1*SP)', (t: string) => `Bearer  ${t}`],
    ['a trailing space (OWS of the field value)', (t: string) => `Bearer ${t} `],
    ['a lower-case scheme (RFC 7235 §2.1)', (t: string) => `bearer ${t}`],
  ])('Bearer with %s is the same token, accepted', async (_name, value) => {
    const token = await forge.token({ sub: 'spaced' });
    const auth = await kit.createAuthContext({ headers: { authorization: value(token) } });
    expect({ status: auth.status, userId: auth.userId }).toEqual({ status: 'authenticated', userId: 'spaced' });
  });
  it.each([
    ['a quoted token', (t: string) => `Bearer "${t}"`],
    ['two credentials in one header', (t: string) => `Bearer ${t}, Bearer ${t}`],
    ['a tab instead of a space', (t: string) => `Bearer\t${t}`],
    ['a token followed by a parameter', (t: string) => `Bearer ${t} realm=x`],
  ])('Bearer with %s is refused as a malformed request (RFC 6750 §3.1: 400 invalid_request), not unquoted or split', async (_name, value) => {
    const token = await forge.token({ sub: 'spaced' });
    const auth = await kit.createAuthContext({ headers: { authorization: value(token) } });
    expect(auth.status === 'anonymous' && { code: auth.error.code, status: auth.error.status, message: auth.error.message }).toEqual({
      code: 'invalid_request',
      status: 400,
      message: 'the Authorization header is malformed or repeated',
    });
  });
});

describe('size limits', () => {
  it('a token one byte over the limit is refused before any parsing or fetch', async () => {
    const fresh = newKit({ maxTokenSize: 4096 });
    const before = forge.jwksHits();
    const big = await forge.token({ pad: 'x'.repeat(4096) });
    expect((await refused(big, 'invalid_token', fresh)).message).toMatch(/larger/);
    expect(forge.jwksHits()).toBe(before);
  });
  it('a 1 MB header or cookie is refused by the size limit, not by parsing it', async () => {
    const huge = `${b64(header({ pad: 'x'.repeat(1 << 20) }))}.${b64(forge.claims())}.c2ln`;
    expect((await refused(huge)).message).toMatch(/larger/);
    const auth = await kit.createAuthContext({ headers: { cookie: `logto_authtoken=${huge}` } });
    expect(auth.status === 'anonymous' && auth.error.message).toMatch(/larger/);
  });
});

describe('issuer and subject', () => {
  it.each([
    ['another issuer', { iss: 'https://evil.example.test/oidc' }, 'invalid_issuer'],
    ['our issuer with a trailing slash', { iss: 'TRAILING' }, 'invalid_issuer'],
    ['an issuer array', { iss: ['ISSUER'] }, 'invalid_issuer'],
    ['no sub', { sub: undefined }, 'invalid_claims'],
    ['an empty sub', { sub: '' }, 'invalid_claims'],
    ['a numeric sub', { sub: 1 }, 'invalid_claims'],
    ['scope as an array', { scope: ['admin'] }, 'invalid_claims'],
  ] as const)('%s is refused', async (_name, extra, code) => {
    const claims = JSON.parse(JSON.stringify(forge.claims(extra))) as Record<string, unknown>;
    if (claims.iss === 'TRAILING') claims.iss = `${forge.issuer}/`;
    if (Array.isArray(claims.iss)) claims.iss = [forge.issuer];
    await refused(await forge.sign(header(), claims), code);
  });
});
