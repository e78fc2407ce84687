import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCLI, runCLIJSON } from '../helpers/run-cli.js';

// Real Logto v1.37.1 captures (test/fixtures/real-logto/README.md): discovery, key sets and tokens of a
// tenant whose issuer is http://127.0.0.1:3001/oidc. Served on that port when it is free, so the bin runs
// with --logto-url alone; otherwise on a free port with --issuer and --jwks-url, as a custom domain would.
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/real-logto/${name}`, import.meta.url), 'utf8');
const tokens = JSON.parse(fixture('tokens.json')) as { name: string; token: string; payload?: { iat: number; exp: number } }[];
const token = (name: string) => {
  const found = tokens.find((t) => t.name === name);
  if (!found) throw new Error(`no fixture token ${name}`);
  return found;
};
const ISSUER = 'http://127.0.0.1:3001/oidc';
const API = 'https://api.fixture.test';
// The captured tokens were issued at the same second and live an hour.
const ISSUED = token('m2m-read-write').payload?.iat ?? 0;
const NOW = String(ISSUED + 1);

let server: Server;
let keySet = 'jwks.json';
let base: string[];

async function listen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const file = req.url === '/oidc/.well-known/openid-configuration' ? 'openid-configuration.json' : req.url === '/oidc/jwks' ? keySet : undefined;
    if (!file) return void res.writeHead(404).end();
    // Logto's real JWKS headers (jwks-headers.json): a JWK-set media type, no cache-control.
    res.writeHead(200, { 'content-type': file === keySet ? 'application/jwk-set+json; charset=utf-8' : 'application/json; charset=utf-8' }).end(fixture(file));
  });
  const onOwnPort = await listen(3001);
  const port = onOwnPort ?? (await listen(0));
  const origin = `http://127.0.0.1:${port}`;
  base = onOwnPort ? ['inspect', '--logto-url', origin, '--audience', API] : ['inspect', '--logto-url', origin, '--issuer', ISSUER, '--jwks-url', `${origin}/oidc/jwks`, '--audience', API];
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('logto-authkit inspect against real Logto captures', () => {
  it('checks the configuration: discovery reachable, issuer matches, one ES384 key', async () => {
    const { code, report } = await runCLIJSON(base);
    expect(code).toBe(0);
    expect(report.verdict).toBe('configuration_ok');
    const byId = Object.fromEntries(report.configuration.map((c) => [c.id, c]));
    expect(byId.discovery?.status).toBe('pass');
    expect(byId.issuer).toMatchObject({ status: 'pass', actual: ISSUER });
    expect(byId.jwks).toMatchObject({ status: 'pass', actual: [{ kid: 'gfVc4kLixj0Vhf8LQ-yBuXc0Kj0Ohtse694CC4e9WRY', kty: 'EC', alg: 'ES384', use: 'sig' }] });
    expect(byId.algorithms).toMatchObject({ status: 'pass', actual: ['ES384'] });
  });

  it('Logto on another origin than its issuer (a custom domain): --issuer and --jwks-url, the announced key set URL a warning', async () => {
    const mirror = createServer((req, res) => {
      const file = req.url === '/oidc/.well-known/openid-configuration' ? 'openid-configuration.json' : req.url === '/keys' ? 'jwks.json' : undefined;
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(fixture(file));
    });
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
    try {
      const args = ['inspect', '--logto-url', origin, '--issuer', ISSUER, '--jwks-url', `${origin}/keys`, '--audience', API];
      const { code, report } = await runCLIJSON(args);
      expect(code).toBe(0);
      expect(report.configuration.find((c) => c.id === 'jwks_uri')).toMatchObject({ status: 'warn', actual: `${ISSUER}/jwks`, expected: `${origin}/keys` });
      expect((await runCLI([...args, '--now', NOW, token('m2m-read-write').token])).code).toBe(0);
    } finally {
      await new Promise<void>((resolve) => mirror.close(() => resolve()));
    }
  });

  it('accepts an M2M token with its scopes, judged at its issue time', async () => {
    const { code, stdout } = await runCLI([...base, '--now', NOW, '--scope', 'read:posts', '--scope', 'write:posts', token('m2m-read-write').token]);
    expect(code).toBe(0);
    expect(stdout).toContain('  PASS  scopes          the token has read:posts write:posts; all of read:posts write:posts present');
    expect(stdout).toContain('Verdict: ACCEPTED');
  });

  it('an opaque token (no API resource requested): says so and how to request one', async () => {
    const { code, stdout } = await runCLI([...base, '--now', NOW, token('user-pat-exchange-opaque').token]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}FAIL {2}token format +the token is \d+ characters without dots: an opaque token, not a JWT$/m);
    expect(stdout).toContain('Here: request it for "https://api.fixture.test" (getAccessToken("https://api.fixture.test"); with client credentials, resource=https://api.fixture.test).');
    expect(stdout).toContain('Verdict: REFUSED: invalid_token (opaque_token), HTTP 401');
  });

  it('an organization token: named, with the token to request instead; accepted with --organization-tokens', async () => {
    const org = token('m2m-organization-token').token;
    const { code, report } = await runCLIJSON([...base, '--now', NOW, org]);
    expect(code).toBe(1);
    const audience = report.token?.checks.find((c) => c.id === 'audience');
    expect(audience).toMatchObject({ status: 'fail', reason: 'organization_token', actual: 'urn:logto:organization:nahlmnzcioqo', expected: [API] });
    expect(audience?.fix).toContain('Here: request getAccessToken("https://api.fixture.test", "nahlmnzcioqo"), or pass --organization-tokens.');
    expect(report.refusal).toMatchObject({ code: 'invalid_audience', reason: 'organization_token' });
    expect((await runCLI([...base, '--now', NOW, '--organization-tokens', org])).code).toBe(0);
  });

  it('a back-channel logout token Logto sent: named as one, exit 1', async () => {
    const { logout_token: logoutToken } = JSON.parse(fixture('backchannel-logout.json')) as { logout_token: string };
    const { code, report } = await runCLIJSON([...base, '--now', NOW, logoutToken]);
    expect(code).toBe(1);
    expect(report.token?.checks.find((c) => c.id === 'type')).toMatchObject({ status: 'fail', reason: 'logout_token', detail: 'typ "logout+jwt": a logout token (an access token has typ at+jwt)' });
    expect(report.refusal).toMatchObject({ code: 'invalid_token', reason: 'logout_token' });
  });

  it('a token whose scope is absent because no role grants it: says no role grants the permission', async () => {
    const { code, report } = await runCLIJSON([...base, '--now', NOW, '--scope', 'read:posts', token('m2m-no-scope').token]);
    expect(code).toBe(1);
    expect(report.token?.checks.find((c) => c.id === 'scopes')).toMatchObject({ status: 'fail', reason: 'empty_scope', detail: 'the token has no scope; missing read:posts', actual: [], expected: ['read:posts'] });
    expect(report.refusal?.code).toBe('insufficient_scope');
  });

  it('a requested scope Logto dropped: present and missing scopes side by side', async () => {
    const { code, stdout } = await runCLI([...base, '--now', NOW, '--scope', 'admin', token('m2m-requested-ungranted-admin').token]);
    expect(code).toBe(1);
    expect(stdout).toContain('  FAIL  scopes          the token has read:posts; missing admin');
  });

  it('expired by how long, with the token\'s exp beside the clock', async () => {
    const { exp = 0 } = token('m2m-read-write').payload ?? {};
    const { code, stdout } = await runCLI([...base, '--now', String(exp + 3 * 3600 + 12 * 60), token('m2m-read-write').token]);
    expect(code).toBe(1);
    expect(stdout).toContain(`  FAIL  expiry          expired 3 h 12 min ago (exp ${new Date(exp * 1000).toISOString()}; now is ${new Date((exp + 11_520) * 1000).toISOString()})`);
  });

  it('the admin tenant\'s token: a foreign issuer and a kid this key set does not have', async () => {
    const { code, report } = await runCLIJSON([...base, '--now', NOW, token('admin-tenant-management-token').token]);
    expect(code).toBe(1);
    const failed = (report.token?.checks ?? []).filter((c) => c.status === 'fail');
    expect(failed.map((c) => [c.id, c.actual])).toEqual([
      ['issuer', 'http://127.0.0.1:3002/oidc'],
      ['audience', 'https://default.logto.app/api'],
      ['kid', '1DW-UKxGuSkO9Xm4qg-mzJMdaZe1-v8TJSzZS4Pa86s'],
    ]);
    expect(report.refusal?.reason).toBe('issuer_mismatch');
  });

  it('a token signed by a rotated-in key: kid not in the old key set, accepted once Logto publishes the new one', async () => {
    const rotated = token('m2m-after-rotation-ec').token;
    const before = await runCLIJSON([...base, '--now', String(ISSUED + 120), rotated]);
    expect(before.code).toBe(1);
    expect(before.report.token?.checks.find((c) => c.id === 'kid')).toMatchObject({ status: 'fail', reason: 'unknown_kid', actual: '6fCNYF2uksHzwwqnFhoCb754T4IZ1uJJWs8n4hDsB5c', expected: ['gfVc4kLixj0Vhf8LQ-yBuXc0Kj0Ohtse694CC4e9WRY'] });
    expect(before.report.refusal).toMatchObject({ code: 'invalid_token', reason: 'unknown_kid' });
    keySet = 'jwks-rotated.json';
    try {
      const after = await runCLI([...base, '--now', String(ISSUED + 120), rotated]);
      expect(after.code).toBe(0);
      expect(after.stdout).toMatch(/^ {2}PASS {2}key set +2 key\(s\) at /m);
    } finally {
      keySet = 'jwks.json';
    }
  });

  it('the breakdown never disagrees with the kit: exit 0 exactly when no check fails, and the kit\'s reason is among the failures', async () => {
    for (const { name, token: value } of tokens) {
      const { code, report } = await runCLIJSON([...base, '--now', NOW, '--scope', 'read:posts', value]);
      const failed = (report.token?.checks ?? []).filter((c) => c.status === 'fail');
      expect({ name, accepted: code === 0 }).toEqual({ name, accepted: failed.length === 0 });
      if (report.refusal) {
        expect({ name, reasons: failed.map((c) => c.reason) }).toEqual({ name, reasons: expect.arrayContaining([report.refusal.reason]) });
        expect({ name, codes: failed.map((c) => c.code) }).toEqual({ name, codes: expect.arrayContaining([report.refusal.code]) });
      }
    }
  });
});
