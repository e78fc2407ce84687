/**
 * An issuer the security tests fully control: their own keys, a JWKS served on
 * 127.0.0.1, and a signer that signs any header and payload text verbatim
 * (duplicate members, odd types, `crit`), which a JWT library refuses to build.
 * Not a test file itself.
 */
import { webcrypto } from 'node:crypto';
import { jwksAnswer, startServer, type ControlledServer } from '../helpers/serve-json.js';
import { makeKey, type TestKey } from '../helpers/jwks-test-server.js';

export const AUDIENCE = 'https://api.example.test';
export const CLIENT_ID = 'spa-app';

/** Base64url of a string or of an object's JSON. */
export const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The forger: keys, their JWKS server, and signers. */
export interface Forge {
  logtoUrl: string;
  issuer: string;
  es384: TestKey;
  rs256: TestKey;
  server: ControlledServer;
  /** Requests the JWKS endpoint received. */
  jwksHits(): number;
  /** A Logto-shaped access-token payload, `iat` now, `exp` in an hour; `extra` overrides. */
  claims(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Sign `header` and `payload` exactly as given (strings are used verbatim). */
  sign(header: Record<string, unknown> | string, payload: Record<string, unknown> | string, key?: TestKey, alg?: string): Promise<string>;
  /** A genuine ES384 access token. */
  token(extra?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

function algorithmParams(alg: string): AlgorithmIdentifier | EcdsaParams | RsaPssParams {
  if (alg.startsWith('ES')) return { name: 'ECDSA', hash: `SHA-${alg.slice(2)}` };
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 };
  return { name: 'RSASSA-PKCS1-v1_5' };
}

/**
 * Start a forger whose JWKS publishes one ES384 and one RS256 key (Logto-shaped).
 *
 * @example
 * ```ts
 * const forge = await startForge(); const token = await forge.token({ sub: 'u1' })
 * ```
 */
export async function startForge(now: () => number = Date.now): Promise<Forge> {
  const [es384, rs256] = await Promise.all([makeKey('ES384'), makeKey('RS256')]);
  const server = await startServer(jwksAnswer({ keys: [es384.jwk, rs256.jwk] }));
  const issuer = `${server.url}/oidc`;
  const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const iat = Math.floor(now() / 1000);
    return { jti: 'j1', sub: 'user-1', iat, exp: iat + 3600, scope: 'read:posts', client_id: CLIENT_ID, iss: issuer, aud: AUDIENCE, ...extra };
  };
  const sign: Forge['sign'] = async (header, payload, key = es384, alg = 'ES384') => {
    const input = `${b64(header)}.${b64(payload)}`;
    const signature = await webcrypto.subtle.sign(algorithmParams(alg), key.privateKey as webcrypto.CryptoKey, new TextEncoder().encode(input));
    return `${input}.${Buffer.from(signature).toString('base64url')}`;
  };
  return {
    logtoUrl: server.url,
    issuer,
    es384,
    rs256,
    server,
    jwksHits: () => server.requests.filter((path) => path.startsWith('/oidc/jwks')).length,
    claims,
    sign,
    token: (extra, header) => sign({ alg: 'ES384', typ: 'at+jwt', kid: es384.kid, ...header }, claims(extra)),
    close: () => server.close(),
  };
}
