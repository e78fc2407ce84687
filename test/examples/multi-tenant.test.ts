import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { startMultiTenantExample, type MultiTenantExample, type MultiTenantRouter } from '../../examples/multi-tenant/app.js';
import { mintDemoTokens, tryRequests, type DemoTokens } from '../../examples/multi-tenant/try.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let issuer: TestIssuer;
let kit: AuthKit;
let example: MultiTenantExample;
let tokens: DemoTokens;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  example = await startMultiTenantExample({ kit, port: 0 });
  tokens = await mintDemoTokens(issuer);
});
afterAll(async () => {
  await example.close();
  kit.close();
  await issuer.close();
});

const client = (token?: string) =>
  createTRPCClient<MultiTenantRouter>({ links: [httpLink({ url: example.url, headers: token ? { authorization: `Bearer ${token}` } : {} })] });

describe('examples/multi-tenant', () => {
  it("the README's three requests: success, another organization's token, a missing organization scope", async () => {
    const [created, otherOrg, noScope] = await tryRequests(example.url, tokens);
    expect(created).toMatchObject({ status: 200, reason: undefined, detail: { name: 'Rocket', createdBy: 'alice' } });
    expect(otherOrg).toMatchObject({ status: 403, reason: 'organization_mismatch', detail: 'token belongs to another organization' });
    expect(noScope).toMatchObject({ status: 403, reason: 'insufficient_scope', detail: 'missing required scope(s): write:projects' });
  });

  it('a project created in one organization is visible there and not through another token', async () => {
    const acme = await client(tokens.aliceAtAcme).organizations.projects.create.mutate({ orgId: 'acme', name: 'Roadrunner' });
    expect(await client(tokens.bobAtAcme).organizations.projects.list.query({ orgId: 'acme' })).toContainEqual(acme);
    expect(await client(tokens.carolAtGlobex).organizations.projects.list.query({ orgId: 'globex' })).toEqual([]);
  });

  it('a token without an organization is refused even with every scope', async () => {
    const global = await issuer.mintToken({ sub: 'alice', scope: 'read:members read:projects write:projects' });
    const error: unknown = await client(global).organizations.members.list.query({ orgId: 'acme' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<MultiTenantRouter>).data).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
    expect(await client(global).me.query()).toMatchObject({ userId: 'alice', organizationId: null });
  });

  it('`server.ts --self-test` prints the three outcomes and exits 0', async () => {
    const { stdout } = await promisify(execFile)(`${ROOT}node_modules/.bin/tsx`, ['examples/multi-tenant/server.ts', '--self-test'], {
      cwd: ROOT,
      env: { ...process.env, LOGTO_URL: '' },
      timeout: 30_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^1\. 200 ok {2}alice/);
    expect(lines[1]).toMatch(/^2\. 403 organization_mismatch {2}carol/);
    expect(lines[2]).toMatch(/^3\. 403 insufficient_scope {2}bob/);
    expect(stdout).not.toMatch(/eyJ/);
  });
});
