import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import type { AuthKitOptions } from '../../src/core/options.js';
import type { RefusalReport } from '../../src/core/refusal-report.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { jwksAnswer, startServer, type ControlledServer } from '../helpers/serve-json.js';

interface Fixture {
  name: string;
  token: string;
  payload: Record<string, unknown>;
}
const dir = new URL('../fixtures/real-logto/', import.meta.url);
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
const fixtures = read('tokens.json') as Fixture[];
const byName = (name: string): Fixture => fixtures.find((f) => f.name === name) ?? expect.unreachable(name);
const ISSUER = 'http://127.0.0.1:3001/oidc';
const AUDIENCE = 'https://api.fixture.test';
const IAT = 1_795_430_678;
const KID = (read('jwks.json') as { keys: { kid: string }[] }).keys[0]?.kid ?? '';

let server: ControlledServer;
beforeAll(async () => {
  server = await startServer((req, res) => jwksAnswer(read('jwks.json'))(req, res));
});
afterAll(() => server.close());

const kits: AuthKit[] = [];
afterAll(() => kits.forEach((kit) => kit.close()));
function reportingKit(extra: Partial<AuthKitOptions> = {}) {
  const reports: RefusalReport[] = [];
  const clock = { ms: (IAT + 1) * 1000 };
  const kit = createAuthKit({
    issuer: ISSUER,
    jwksUrl: `${server.url}/oidc/jwks`,
    audience: AUDIENCE,
    now: () => clock.ms,
    onWarning: () => {},
    onRefused: (report) => reports.push(report),
    ...extra,
  });
  kits.push(kit);
  return { kit, reports, clock };
}

/** The report carries claims, never the token, its signature or its subject. */
function expectNoSecret(report: RefusalReport, fixture: Fixture): void {
  const text = JSON.stringify(report);
  for (const part of fixture.token.split('.')) expect(text).not.toContain(part);
  if (fixture.payload.sub !== fixture.payload.client_id) expect(text).not.toContain(String(fixture.payload.sub));
  expect(text).not.toContain(String(fixture.payload.jti));
}

describe('onRefused: the detail the client never sees', () => {
  it('a token for another resource: its aud and iss beside the expected ones', async () => {
    const fixture = byName('user-pat-exchange-api');
    const { kit, reports } = reportingKit({ audience: 'https://other.example.com' });
    await kit.createAuthContext({ headers: { authorization: `Bearer ${fixture.token}` } });
    expect(reports).toEqual([
      {
        reason: 'audience_mismatch',
        code: 'invalid_audience',
        status: 401,
        description: "token was not issued for this API: request an access token with this API's resource indicator",
        fix: expect.stringContaining('Console > API resources'),
        token: {
          alg: 'ES384', typ: 'at+jwt', kid: KID, iss: ISSUER, aud: AUDIENCE, clientId: '67da473oyo22g3p0lig1v',
          exp: IAT + 3600, iat: IAT, scopes: ['read:posts', 'write:posts'],
        },
        expected: { issuers: [ISSUER], audiences: ['https://other.example.com'], now: IAT + 1, kids: [] },
        suppressed: 0,
      },
    ]);
    expectNoSecret(reports[0] as RefusalReport, fixture);
  });

  it('the admin tenant\'s token: its issuer beside the trusted one', async () => {
    const fixture = byName('admin-tenant-management-token');
    const { kit, reports } = reportingKit();
    await kit.createAuthContext({ headers: { authorization: `Bearer ${fixture.token}` } });
    expect(reports.map((r) => [r.reason, r.token?.iss, r.expected.issuers])).toEqual([['issuer_mismatch', 'http://127.0.0.1:3002/oidc', [ISSUER]]]);
  });

  it('an expired token: its exp beside the clock; the known kids once the key set was read', async () => {
    const fixture = byName('m2m-read-write');
    const { kit, reports, clock } = reportingKit();
    await kit.verifyToken(fixture.token);
    clock.ms = (IAT + 3600 + 90) * 1000;
    await kit.verifyToken(fixture.token).catch(() => undefined);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ reason: 'expired', token: { exp: IAT + 3600 }, expected: { now: IAT + 3690, kids: [KID] } });
    expectNoSecret(reports[0] as RefusalReport, fixture);
  });

  it('a header without a scheme is reported (no token facts); a request without any token is not', async () => {
    const { kit, reports } = reportingKit();
    await kit.createAuthContext({ headers: {} });
    await kit.createAuthContext({ headers: { authorization: byName('m2m-read-write').token } });
    expect(reports.map((r) => [r.reason, r.token])).toEqual([['missing_scheme', undefined]]);
  });

  it('an opaque token: the reason, and no token facts (there are none to decode)', async () => {
    const { kit, reports } = reportingKit();
    await kit.createAuthContext({ headers: { authorization: `Bearer ${byName('user-pat-exchange-opaque').token}` } });
    expect(reports.map((r) => [r.reason, r.token])).toEqual([['opaque_token', undefined]]);
  });

  it('onRefused and onRefusedPerMinute are checked at construction', () => {
    expect(() => createAuthKit({ logtoUrl: 'https://t.logto.app', audience: AUDIENCE, onRefused: 'log' as never })).toThrow('logto-authkit: option "onRefused" must be a function');
    expect(() => createAuthKit({ logtoUrl: 'https://t.logto.app', audience: AUDIENCE, onRefusedPerMinute: 0 })).toThrow('logto-authkit: option "onRefusedPerMinute" must be positive');
  });

  it('a throwing onRefused does not change the answer', async () => {
    const { kit } = reportingKit({ onRefused: () => { throw new Error('log sink down'); } });
    const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${byName('m2m-organization-token').token}` } });
    expect(auth.status === 'anonymous' && auth.error.reason).toBe('organization_token');
  });
});

describe('onRefused is rate-limited per reason (clock injected)', () => {
  it('at most onRefusedPerMinute reports per reason; the next window\'s first report counts the suppressed ones', async () => {
    const { kit, reports, clock } = reportingKit({ onRefusedPerMinute: 3 });
    const foreign = byName('admin-tenant-management-token').token;
    const organization = byName('m2m-organization-token').token;
    for (let i = 0; i < 10; i++) await kit.verifyToken(foreign).catch(() => undefined);
    for (let i = 0; i < 2; i++) await kit.verifyToken(organization).catch(() => undefined);
    expect(reports.map((r) => r.reason)).toEqual(['issuer_mismatch', 'issuer_mismatch', 'issuer_mismatch', 'organization_token', 'organization_token']);
    clock.ms += 59_000;
    await kit.verifyToken(foreign).catch(() => undefined);
    expect(reports).toHaveLength(5);
    clock.ms += 1_000;
    await kit.verifyToken(foreign).catch(() => undefined);
    await kit.verifyToken(foreign).catch(() => undefined);
    expect(reports.slice(5).map((r) => [r.reason, r.suppressed])).toEqual([['issuer_mismatch', 8], ['issuer_mismatch', 0]]);
  });
});

describe('onRefused with the local issuer', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  it('an unknown kid: its kid beside the kids of the key set', async () => {
    const reports: RefusalReport[] = [];
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, onRefused: (r) => reports.push(r) });
    kits.push(kit);
    await kit.verifyToken(await issuer.mintToken({}, { kid: 'kid-from-elsewhere' })).catch(() => undefined);
    const kids = issuer.jwks().keys.map((k) => k.kid);
    expect(reports.map((r) => [r.reason, r.token?.kid, r.expected.kids])).toEqual([['unknown_kid', 'kid-from-elsewhere', kids]]);
  });

  it('claims a forger chose are bounded in the report', async () => {
    const reports: RefusalReport[] = [];
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, onRefused: (r) => reports.push(r) });
    kits.push(kit);
    const aud = Array.from({ length: 20 }, (_, i) => `x${i}`.padEnd(300, 'y'));
    await kit.verifyToken(await issuer.mintToken({ aud })).catch(() => undefined);
    const reported = reports[0]?.token?.aud as string[];
    expect([reports[0]?.reason, reported.length, Math.max(...reported.map((a) => a.length))]).toEqual(['audience_mismatch', 10, 257]);
  });
});
