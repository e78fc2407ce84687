import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExpress, type ExpressServer } from './harness.js';
import { rawRequest, type RawResponse } from './raw-http.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: ExpressServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  server = await startExpress((app) => {
    app.use(authMiddleware(kit));
    app.get('/me', requireAuth(), (req, res) => res.json({ userId: req.auth?.userId }));
  });
});
afterAll(async () => {
  kit.close();
  await Promise.all([server.close(), issuer.close()]);
});

const send = (...headers: (string | Buffer)[]): Promise<RawResponse> =>
  rawRequest(server.port, ['GET /me HTTP/1.1', `Host: 127.0.0.1:${server.port}`, ...headers]);

function expect401(res: RawResponse): void {
  expect(res.status).toBe(401);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api"/);
  expect(JSON.parse(res.body)).toEqual({ error: expect.any(String), error_description: expect.any(String), reason: expect.any(String) });
}

describe('bad input answers 401 JSON, never 500', () => {
  it('the raw client itself works (a valid token gets 200)', async () => {
    const res = await send(`Authorization: Bearer ${await issuer.mintToken({ sub: 'raw' })}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ userId: 'raw' });
  });

  it('a 16 KiB Cookie header of junk', async () => {
    const junk = Array.from({ length: 16 * 1024 }, (_, i) => '=;a%\\"\t,x'[i % 10]).join('');
    expect401(await send(`Cookie: ${junk}`));
    expect401(await send(`Cookie: logto_authtoken=${'A'.repeat(16 * 1024)}`));
  });

  it('two Authorization headers, even when both carry valid tokens: 400 invalid_request (RFC 6750 §3.1)', async () => {
    const res = await send(`Authorization: Bearer ${await issuer.mintToken()}`, `Authorization: Bearer ${await issuer.mintToken()}`);
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api".*error="invalid_request"/);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
  });

  it('a Cookie header that is not UTF-8 (raw bytes and a bad percent escape)', async () => {
    expect401(await send(Buffer.concat([Buffer.from('Cookie: logto_authtoken='), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80])])));
    expect401(await send('Cookie: logto_authtoken=%FF%FE; guest_logto_authtoken=%E0%A4%A'));
  });
});
