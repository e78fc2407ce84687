import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { signIn } from '../helpers/oidc-sign-in.js';
import { runCLI, runCLIJSON, type InspectJSON } from '../helpers/run-cli.js';

// The real oidc-provider (the engine Logto is built on), configured like a tenant; the bin runs in a child process.
const API = 'https://api.example.test';
const OTHER = 'https://other.example.test';
let op: OidcStandIn;
let base: string[];

const failures = (report: InspectJSON) => (report.token?.checks ?? []).filter((c) => c.status === 'fail');
const segmentsOf = (token: string) => token.split('.');

beforeAll(async () => {
  op = await startOidcProvider();
  base = ['inspect', '--logto-url', op.logtoUrl, '--audience', API];
});
afterAll(() => op?.close());

describe('logto-authkit inspect against a real OpenID provider', () => {
  it('accepts a client-credentials token for the API, exit 0, and never prints the token or its signature', async () => {
    const token = await op.clientCredentialsToken({ resource: API, scope: 'read:posts' });
    const { code, stdout } = await runCLI([...base, '--scope', 'read:posts', token]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}PASS {2}token issuer +iss http:\/\/127\.0\.0\.1:\d+\/oidc, as expected$/m);
    expect(stdout).toMatch(/^ {2}PASS {2}token audience +aud "https:\/\/api\.example\.test", as expected$/m);
    expect(stdout).toMatch(/^ {2}PASS {2}signature +verifies with key /m);
    expect(stdout).toMatch(/^ {2}PASS {2}scopes +the token has read:posts; all of read:posts present$/m);
    expect(stdout).toContain('Verdict: ACCEPTED');
    expect(stdout).not.toMatch(/FAIL/);
    const [, , signature] = segmentsOf(token);
    expect(stdout).not.toContain(token);
    expect(stdout).not.toContain(signature);
  });

  it('--json prints one JSON document with the claims beside the expected values', async () => {
    const token = await op.clientCredentialsToken({ resource: API, scope: 'read:posts write:posts' });
    const { code, report, stdout } = await runCLIJSON([...base, token]);
    expect(code).toBe(0);
    expect(report.verdict).toBe('accepted');
    expect(report.exitCode).toBe(0);
    expect(report.token?.claims).toMatchObject({ aud: API, iss: op.issuer, sub: op.m2m.clientId });
    expect(report.token?.header?.kid).toEqual(expect.any(String));
    expect(report.token?.checks.find((c) => c.id === 'audience')).toMatchObject({ status: 'pass', actual: API, expected: [API] });
    expect(report.expected).toMatchObject({ issuers: [op.issuer], audiences: [API], jwksUrl: op.jwksUrl });
    expect(stdout).not.toContain(segmentsOf(token)[2]);
  });

  it('a token for another API resource: exit 1, its aud beside the expected one, and the fix', async () => {
    const token = await op.clientCredentialsToken({ resource: OTHER, scope: 'read:other' });
    const { code, stdout } = await runCLI([...base, token]);
    expect(code).toBe(1);
    expect(stdout).toContain('  FAIL  token audience  aud "https://other.example.test"; expected https://api.example.test');
    expect(stdout).toContain('Here: request the token for "https://api.example.test"; or, if "https://other.example.test" is this API\'s identifier, pass it as --audience.');
    expect(stdout).toContain('Verdict: REFUSED: invalid_audience (audience_mismatch), HTTP 401');
  });

  it('an ID token: exit 1, named as an ID token, with what to send instead', async () => {
    const user = await signIn(op, { login: 'user-7', resource: API, redirectUri: 'http://127.0.0.1:3000/callback' });
    const { code, report } = await runCLIJSON([...base, user.idToken]);
    expect(code).toBe(1);
    expect(failures(report).map((c) => c.reason)).toContain('id_token');
    expect(failures(report).find((c) => c.reason === 'id_token')?.fix).toContain('Here: send getAccessToken("https://api.example.test").');
    // oidc-provider leaves typ out of ID tokens (Logto writes "JWT"); both name it.
    expect(report.refusal).toMatchObject({ code: 'invalid_token', reason: 'id_token' });
    // The signed-in user's own access token passes.
    expect((await runCLI([...base, user.accessToken])).code).toBe(0);
  });

  it('an expired token judged with --now: says by how long, exit 1', async () => {
    const token = await op.clientCredentialsToken({ resource: API, scope: 'read:posts' });
    const { exp } = decodeJwt(token) as { exp: number };
    const { code, stdout } = await runCLI([...base, '--now', String(exp + 2 * 3600 + 5 * 60), token]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}FAIL {2}expiry +expired 2 h 5 min ago \(exp .+; now is .+\)$/m);
    expect(stdout).toContain('Verdict: REFUSED: token_expired (expired), HTTP 401');
    // The same token, judged an hour earlier (ISO form), is accepted.
    expect((await runCLI([...base, '--now', new Date((exp - 3600) * 1000).toISOString(), token])).code).toBe(0);
  });

  it('scopes present and missing with --scope, read from standard input with "-"', async () => {
    const token = await op.clientCredentialsToken({ resource: API, scope: 'read:posts' });
    const { code, stdout } = await runCLI([...base, '--scope', 'read:posts', '--scope', 'admin', '-'], `Bearer ${token}\n`);
    expect(code).toBe(1);
    expect(stdout).toContain('  FAIL  scopes          the token has read:posts; missing admin');
    expect(stdout).toContain('Here: grant and request admin of the API resource https://api.example.test.');
    expect(stdout).toContain('Verdict: REFUSED: insufficient_scope (insufficient_scope), HTTP 403');
  });

  it('a token from another tenant: wrong issuer and a kid the key set does not have', async () => {
    const other = await startOidcProvider();
    try {
      const token = await other.clientCredentialsToken({ resource: API, scope: 'read:posts' });
      const { code, report } = await runCLIJSON([...base, token]);
      expect(code).toBe(1);
      expect(failures(report).map((c) => c.reason)).toEqual(['issuer_mismatch', 'unknown_kid']);
      expect(report.token?.checks.find((c) => c.id === 'issuer')).toMatchObject({ actual: other.issuer, expected: [op.issuer] });
      expect(failures(report)[0]?.fix).toContain(`pass --logto-url ${other.logtoUrl}`);
      expect(report.refusal?.reason).toBe('issuer_mismatch');
    } finally {
      await other.close();
    }
  });

  it('without a token, checks the configuration: discovery, issuer, keys and their algorithms', async () => {
    const { code, stdout } = await runCLI(base);
    expect(code).toBe(0);
    expect(stdout).toContain(`  PASS  discovery   read ${op.issuer}/.well-known/openid-configuration`);
    expect(stdout).toContain(`  PASS  issuer      Logto says its issuer is ${op.issuer}, as expected`);
    expect(stdout).toMatch(new RegExp(`^ {2}PASS {2}key set +1 key\\(s\\) at ${op.jwksUrl.replace(/[.]/g, '\\.')}: \\S+ \\(ES384\\)$`, 'm'));
    expect(stdout).toMatch(/^ {2}PASS {2}algorithms +keys use ES384 /m);
    expect(stdout).toContain('Verdict: the configuration is sound.');
  });

  it('--logto-url ending in /oidc: exit 2 with the kit\'s own construction error, naming the endpoint without it', async () => {
    const { code, stdout } = await runCLI(['inspect', '--logto-url', `${op.logtoUrl}/oidc`, '--audience', API]);
    expect(code).toBe(2);
    expect(stdout).toContain(`Configuration error: logto-authkit: option "logtoUrl" must be the Logto endpoint, not its issuer: drop "/oidc" (use "${op.logtoUrl}"`);
  });

  it('the kit\'s construction warnings are configuration findings: an audience shaped like a client id', async () => {
    const { code, report } = await runCLIJSON(['inspect', '--logto-url', op.logtoUrl, '--audience', 'gqssaa3s9563aiukmkhi0']);
    expect(code).toBe(0);
    expect(report.configuration[0]).toMatchObject({ id: 'option_audience', status: 'warn', reason: 'audience_looks_like_client_id' });
    expect(report.configuration[0]?.detail).toContain('the audience is the API identifier from Console > API resources');
  });

  it('an --issuer the tenant does not announce: the configuration check fails with the issuer to use', async () => {
    const { code, report } = await runCLIJSON(['inspect', '--logto-url', op.logtoUrl, '--issuer', 'https://auth.example.test/oidc', '--jwks-url', op.jwksUrl, '--audience', API]);
    expect(code).toBe(2);
    expect(report.verdict).toBe('configuration_error');
    expect(report.configuration.find((c) => c.id === 'issuer')).toMatchObject({ status: 'fail', actual: op.issuer, reason: 'issuer_mismatch' });
  });

  it('Logto unreachable: exit 2 with and without a token (an outage is no verdict on the token)', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const downUrl = `http://127.0.0.1:${port}`;
    const down = ['inspect', '--logto-url', downUrl, '--audience', API];
    const config = await runCLIJSON(down);
    expect(config.code).toBe(2);
    expect(config.report.configuration.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['discovery', 'jwks']);
    // The token's issuer is trusted, so only the key set stands between it and a verdict.
    const token = await op.clientCredentialsToken({ resource: API });
    const judged = await runCLIJSON([...down, '--issuer', op.issuer, '--jwks-url', `${downUrl}/oidc/jwks`, token]);
    expect(judged.code).toBe(2);
    expect(judged.report.refusal).toMatchObject({ code: 'jwks_unavailable', status: 503 });
  });
});

describe('logto-authkit usage errors', () => {
  it('exit 2 with the reason on standard error; --help prints the options, exit 0', async () => {
    const missing = await runCLI(['inspect', '--logto-url', 'https://tenant.logto.app']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--audience is required');
    const badNow = await runCLI([...base, '--now', 'yesterday']);
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toContain('--now "yesterday" is neither an ISO 8601 date nor seconds since the epoch');
    const unknown = await runCLIJSON([...base, '--audiences', API]);
    expect(unknown.code).toBe(2);
    expect(unknown.report).toMatchObject({ verdict: 'usage_error', exitCode: 2 });
    const badOption = await runCLI(['inspect', '--logto-url', 'ftp://tenant', '--audience', API]);
    expect(badOption.code).toBe(2);
    expect(badOption.stdout).toContain('option "logtoUrl" must be an http(s) URL');
    const help = await runCLI(['inspect', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 the token would be accepted');
  });
});
