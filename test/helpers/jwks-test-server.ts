/**
 * A JWKS endpoint on 127.0.0.1 whose answer each test chooses, plus key helpers.
 * Shared by the key-store tests; not a test file itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** How the server answers one request. */
export type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** A JWKS server under test control. */
export interface JWKSTestServer {
  url: string;
  /** Requests received so far. */
  readonly hits: number;
  respond(responder: Responder): void;
  close(): Promise<void>;
}

/** Answers 200 with `body` as JSON (Logto's content type unless `headers` says otherwise). */
export const json =
  (body: unknown, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/jwk-set+json; charset=utf-8', ...headers });
    res.end(text);
  };

/** Starts a server that answers with `initial` until told otherwise. */
export async function startJWKSServer(initial: Responder): Promise<JWKSTestServer> {
  let responder = initial;
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    responder(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oidc/jwks`,
    get hits() {
      return hits;
    },
    respond(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A key pair with its public JWK as Logto publishes it (thumbprint kid, `use: sig`). */
export interface TestKey {
  privateKey: CryptoKey;
  jwk: JWK & { kid: string };
  kid: string;
}

/** Generates a key; RSA JWKs get no `alg`, like Logto's (docs/logto.md "Keys"). */
export async function makeKey(alg: 'ES384' | 'ES256' | 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  const jwk = { ...exported, kid, use: 'sig', ...(alg === 'RS256' ? {} : { alg }) };
  return { privateKey, jwk, kid };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}
