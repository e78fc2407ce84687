import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit } from '../../src/core/kit.js';
import type { AuthError } from '../../src/core/errors.js';
import { jwksAnswer, startServer, type ControlledServer } from '../helpers/serve-json.js';

// Tokens captured from a real Logto v1.37.1 (see test/fixtures/real-logto/README.md).
// They expired an hour after iat: the clock is injected, never the check weakened.
interface Fixture {
  name: string;
  token: string;
  payload?: Record<string, unknown>;
  jwksFile?: string;
}
const dir = new URL('../fixtures/real-logto/', import.meta.url);
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
const fixtures = read('tokens.json') as Fixture[];
const byName = (name: string): Fixture => fixtures.find((f) => f.name === name) ?? expect.unreachable(name);
const ISSUER = 'http://127.0.0.1:3001/oidc';
const AUDIENCE = 'https://api.fixture.test';

let server: ControlledServer;
let served = 'jwks.json';
beforeAll(async () => {
  server = await startServer((req, res) => jwksAnswer(read(served))(req, res));
});
afterAll(() => server.close());

function kitAt(fixture: Fixture, extra: { organizationTokens?: boolean } = {}) {
  const iat = (fixture.payload?.iat as number | undefined) ?? 1_795_430_678;
  served = fixture.jwksFile ?? 'jwks.json';
  return createAuthKit({ issuer: ISSUER, jwksUrl: `${server.url}/oidc/jwks`, audience: AUDIENCE, now: () => iat * 1000 + 1000, ...extra });
}

describe('real Logto tokens', () => {
  const accepted = ['m2m-read-write', 'm2m-no-scope', 'm2m-requested-ungranted-admin', 'm2m-org-api-resource', 'user-pat-exchange-api', 'user-pat-exchange-org-api-resource', 'm2m-after-rotation-ec'];
  it.each(accepted)('%s authenticates with its sub and scopes', async (name) => {
    const fixture = byName(name);
    const kit = kitAt(fixture);
    const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${fixture.token}` } });
    expect(auth.status).toBe('authenticated');
    if (auth.status !== 'authenticated') return;
    const payload = fixture.payload ?? {};
    expect(auth.userId).toBe(payload.sub);
    expect(auth.clientId).toBe(payload.client_id);
    expect(auth.scopes).toEqual(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
    expect(auth.organizationId).toBe(payload.organization_id);
    expect(auth.isMachine).toBe(payload.sub === payload.client_id);
    expect(auth.expiresAt.getTime()).toBe((payload.exp as number) * 1000);
    kit.close();
  });

  it('m2m-no-scope has no scopes at all (Logto omits the claim)', async () => {
    const fixture = byName('m2m-no-scope');
    expect(fixture.payload?.scope).toBeUndefined();
    const kit = kitAt(fixture);
    const auth = await kit.verifyToken(fixture.token);
    expect(auth.scopes).toEqual([]);
    expect(auth.hasScopes('read:posts')).toBe(false);
    kit.close();
  });

  it('the same tokens are refused an hour later: token_expired', async () => {
    const fixture = byName('m2m-read-write');
    const kit = createAuthKit({ issuer: ISSUER, jwksUrl: `${server.url}/oidc/jwks`, audience: AUDIENCE, now: () => ((fixture.payload?.exp as number) + 10) * 1000 });
    served = 'jwks.json';
    await expect(kit.verifyToken(fixture.token)).rejects.toMatchObject({ code: 'token_expired', status: 401 });
    kit.close();
  });

  it.each([
    ['m2m-organization-token', 'invalid_audience'],
    ['user-pat-exchange-organization-token', 'invalid_audience'],
    ['user-pat-exchange-opaque', 'invalid_token'],
    ['admin-tenant-management-token', 'invalid_issuer'],
  ])('%s is refused with %s', async (name, code) => {
    const fixture = byName(name);
    const kit = kitAt(fixture);
    const auth = await kit.createAuthContext(fixture.token);
    expect(auth.status).toBe('anonymous');
    expect(auth.error?.code).toBe(code);
    expect(auth.error?.message).not.toContain(fixture.token.slice(0, 30));
    kit.close();
  });

  it('organization tokens are accepted with organizationTokens: true, organization from aud', async () => {
    const fixture = byName('m2m-organization-token');
    const kit = kitAt(fixture, { organizationTokens: true });
    const auth = await kit.verifyToken(fixture.token);
    expect(auth.isOrganizationToken).toBe(true);
    expect(auth.organizationId).toBe('nahlmnzcioqo');
    expect(auth.hasOrganization('nahlmnzcioqo')).toBe(true);
    expect(auth.scopes).toEqual(['read:org']);
    kit.close();
  });

  it('a pre-rotation token still verifies against the rotated key set', async () => {
    const fixture = { ...byName('m2m-read-write'), jwksFile: 'jwks-rotated.json' };
    const kit = kitAt(fixture);
    await expect(kit.verifyToken(fixture.token)).resolves.toMatchObject({ status: 'authenticated' });
    kit.close();
  });

  it('a tampered real token is refused: invalid_token', async () => {
    const fixture = byName('m2m-read-write');
    const [h, p, s] = fixture.token.split('.') as [string, string, string];
    const payload = { ...fixture.payload, scope: 'read:posts write:posts admin' };
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const kit = kitAt(fixture);
    const error = (await kit.verifyToken(forged).catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe('invalid_token');
    kit.close();
  });
});
