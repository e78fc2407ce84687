/**
 * `/session`: the page hands over the access token it got from the OpenID
 * provider, and the server stores it in the HttpOnly `logto_authtoken` cookie,
 * so from then on no page script can read it (and the APIs find it there).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildAuthCookieHeader, isAuthError, type AuthKit } from 'logto-authkit';

const MAX_BODY = 16 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: object, cookie?: string): void {
  // RFC 6750 §5.3 / RFC 9111: answers that set or clear credentials are never cached.
  res.setHeader('cache-control', 'no-store');
  if (cookie) res.setHeader('set-cookie', cookie);
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function tokenOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const token = typeof parsed === 'object' && parsed !== null ? (parsed as { accessToken?: unknown }).accessToken : undefined;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Handles `POST /session` (body `{ "accessToken": "…" }`: verified, then set
 * as the cookie until the token's `exp`) and `POST /session/delete` (clears it).
 * Only the page's own origin may call them: a foreign page setting its token
 * in the user's browser would be login CSRF.
 *
 * @example
 * ```ts
 * const session = createSessionHandler(kit, 'http://127.0.0.1:3000')
 * if (req.url?.startsWith('/session')) return session(req, res)
 * ```
 */
export function createSessionHandler(kit: AuthKit, origin: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  // http://127.0.0.1 has no TLS: a Secure cookie would never come back.
  const secure = origin.startsWith('https:');
  return async (req, res) => {
    if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' });
    if (req.headers.origin !== origin) return send(res, 403, { error: 'forbidden', error_description: 'cross-origin session change refused' });
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path === '/session/delete') return send(res, 204, undefined, buildAuthCookieHeader('', { maxAge: 0, secure }));
    if (path !== '/session') return send(res, 404, { error: 'not_found' });

    const token = tokenOf(await readBody(req).catch(() => ''));
    if (!token) return send(res, 400, { error: 'invalid_request', error_description: 'expected JSON { "accessToken": string }' });
    try {
      const verified = await kit.verifyToken(token);
      const maxAge = Math.max(0, Math.floor((verified.expiresAt.getTime() - Date.now()) / 1000));
      send(res, 204, undefined, buildAuthCookieHeader(token, { maxAge, secure }));
    } catch (error) {
      if (!isAuthError(error)) throw error;
      send(res, error.status, { error: error.code, error_description: error.message });
    }
  };
}
