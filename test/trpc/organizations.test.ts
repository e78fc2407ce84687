import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { createAuthProcedures, createTRPCContext, findAuthError, organizationFromInput, requireAuth } from 'logto-authkit/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { startStandalone, type RunningServer } from './harness.js';

const API = 'https://api.example.test';

/** An organization-scoped router; `runs` counts handler runs, so a refusal provably never reached one. */
function buildOrgApp(kit: AuthKit) {
  const createContext = createTRPCContext(kit);
  const t = initTRPC.context<typeof createContext>().create({
    // The AuthError code, so the tests tell organization_mismatch from insufficient_scope.
    errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, reason: findAuthError(error)?.code } }),
  });
  const { organizationProcedure } = createAuthProcedures(t);
  const runs = { count: 0 };
  const orgInput = z.object({ orgId: z.string() });
  const router = t.router({
    members: organizationProcedure({ organizationId: organizationFromInput('orgId'), scopes: ['read:posts'] })
      .input(orgInput)
      .query(({ ctx }) => {
        runs.count++;
        return { organizationId: ctx.auth.organizationId, userId: ctx.auth.userId };
      }),
    createProject: organizationProcedure({ organizationId: organizationFromInput('orgId'), scopes: ['write:posts'] })
      .input(orgInput.extend({ name: z.string() }))
      .mutation(({ ctx, input }) => {
        runs.count++;
        return { organizationId: ctx.auth.organizationId, name: input.name };
      }),
    // The middleware after `.input()`: it reads the parsed input, not the raw one.
    parsed: t.procedure
      .input(orgInput)
      .use(requireAuth({ organization: ({ input }) => (input as z.infer<typeof orgInput>).orgId }))
      .query(({ ctx }) => {
        runs.count++;
        return ctx.auth.organizationId;
      }),
    failingLookup: organizationProcedure({
      organizationId: () => {
        throw new Error('project store unavailable');
      },
    }).query(() => {
      runs.count++;
      return 'never';
    }),
  });
  return { router, createContext, runs };
}
type OrgRouter = ReturnType<typeof buildOrgApp>['router'];

interface Source {
  kit: AuthKit;
  /** A token for API with `scope`, bound to `organizationId` when given. */
  mint(scope: string, organizationId?: string): Promise<string>;
  close(): Promise<void>;
}

async function testIssuerSource(): Promise<Source & { issuer: TestIssuer }> {
  const issuer = await createTestIssuer({ audience: API });
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: API, organizationTokens: true });
  return { issuer, kit, mint: (scope, organizationId) => issuer.mintToken({ sub: 'user-1', scope, organization_id: organizationId }), close: () => issuer.close() };
}

async function oidcProviderSource(): Promise<Source> {
  const op: OidcStandIn = await startOidcProvider();
  const kit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API });
  return {
    kit,
    // Logto adds organization_id and the organization roles' API scopes when the token request names the organization.
    mint: (scope, organizationId) => op.clientCredentialsToken({ resource: API, scope, ...(organizationId === undefined ? {} : { organizationId }) }),
    close: () => op.close(),
  };
}

const client = (url: string, token?: string, batch = false) =>
  createTRPCClient<OrgRouter>({ links: [(batch ? httpBatchLink : httpLink)({ url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })] });

async function refusal(promise: Promise<unknown>): Promise<{ code: unknown; httpStatus: unknown; reason: unknown; message: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a refusal, got ${String(error)}`);
  const data = (error as TRPCClientError<OrgRouter>).data as { code?: unknown; httpStatus?: unknown; reason?: unknown } | undefined;
  return { code: data?.code, httpStatus: data?.httpStatus, reason: data?.reason, message: error.message };
}

describe.each([
  ['the test issuer', testIssuerSource],
  ['a real oidc-provider', oidcProviderSource],
] as const)('organizationProcedure with tokens from %s', (_name, start) => {
  let source: Source;
  let app: ReturnType<typeof buildOrgApp>;
  let server: RunningServer;
  beforeAll(async () => {
    source = await start();
    app = buildOrgApp(source.kit);
    server = await startStandalone(app.router, app.createContext);
  });
  afterAll(async () => {
    await server.close();
    source.kit.close();
    await source.close();
  });

  it('a token bound to the addressed organization, with the scope, passes', async () => {
    const token = await source.mint('read:posts write:posts', 'org-a');
    expect(await client(server.url, token).members.query({ orgId: 'org-a' })).toMatchObject({ organizationId: 'org-a' });
    expect(await client(server.url, token).createProject.mutate({ orgId: 'org-a', name: 'Rocket' })).toEqual({ organizationId: 'org-a', name: 'Rocket' });
    expect(await client(server.url, token).parsed.query({ orgId: 'org-a' })).toBe('org-a');
  });

  it("another organization's token is FORBIDDEN organization_mismatch, and the handler never runs", async () => {
    const token = await source.mint('read:posts write:posts', 'org-b');
    const before = app.runs.count;
    // Each call starts only when awaited: a second call made up front could reject with no handler yet.
    for (const call of [() => client(server.url, token).members.query({ orgId: 'org-a' }), () => client(server.url, token).parsed.query({ orgId: 'org-a' })]) {
      expect(await refusal(call())).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, reason: 'organization_mismatch', message: 'token belongs to another organization' });
    }
    expect(app.runs.count).toBe(before);
  });

  it('a token without an organization is FORBIDDEN: the client-sent id alone proves nothing', async () => {
    const token = await source.mint('read:posts write:posts');
    expect(await refusal(client(server.url, token).members.query({ orgId: 'org-a' }))).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
  });

  it('the right organization without the scope is FORBIDDEN insufficient_scope', async () => {
    const token = await source.mint('read:posts', 'org-a');
    const refused = await refusal(client(server.url, token).createProject.mutate({ orgId: 'org-a', name: 'Rocket' }));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, reason: 'insufficient_scope' });
    expect(refused.message).toContain('write:posts');
  });

  it('an empty, missing or non-string organization id is FORBIDDEN, never access', async () => {
    const token = await source.mint('read:posts', 'org-a');
    const members = client(server.url, token).members;
    expect(await refusal(members.query({ orgId: '' }))).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
    // Raw input reaches the resolver before validation: wrong shapes must refuse, not throw a 500 or pass.
    for (const raw of [undefined, 'org-a', { orgId: ['org-a'] }, { id: 'org-a' }]) {
      expect(await refusal(members.query(raw as unknown as { orgId: string }))).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
    }
  });

  it('a resolver that throws refuses with organization_mismatch, not its own message', async () => {
    const token = await source.mint('read:posts', 'org-a');
    const refused = await refusal(client(server.url, token).failingLookup.query());
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
    expect(refused.message).not.toContain('project store');
  });

  it('no token is UNAUTHORIZED, as for any protected procedure', async () => {
    expect(await refusal(client(server.url).members.query({ orgId: 'org-a' }))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, reason: 'missing_token' });
  });

  it('each call of a batch is judged on its own input', async () => {
    const batch = client(server.url, await source.mint('read:posts', 'org-a'), true);
    const [ok, refused] = await Promise.allSettled([batch.members.query({ orgId: 'org-a' }), batch.members.query({ orgId: 'org-b' })]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { organizationId: 'org-a' } });
    expect(refused.status === 'rejected' && (refused.reason as TRPCClientError<OrgRouter>).data).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('organization tokens and option validation', () => {
  let source: Awaited<ReturnType<typeof testIssuerSource>>;
  let server: RunningServer;
  beforeAll(async () => {
    source = await testIssuerSource();
    const app = buildOrgApp(source.kit);
    server = await startStandalone(app.router, app.createContext);
  });
  afterAll(async () => {
    await server.close();
    source.kit.close();
    await source.close();
  });

  it('an organization token (aud urn:logto:organization:<id>) binds to its organization', async () => {
    const token = await source.issuer.mintOrganizationToken('org-a', ['read:posts']);
    expect(await client(server.url, token).members.query({ orgId: 'org-a' })).toMatchObject({ organizationId: 'org-a' });
    expect(await refusal(client(server.url, token).members.query({ orgId: 'org-b' }))).toMatchObject({ reason: 'organization_mismatch' });
  });

  it('refuses a non-function resolver, a missing one, and organization with allowGuest at construction', () => {
    const t = initTRPC.context<ReturnType<typeof createTRPCContext>>().create();
    const { organizationProcedure } = createAuthProcedures(t);
    expect(() => requireAuth({ organization: 'org-a' as never })).toThrow(/"organization" must be a function/);
    expect(() => requireAuth({ organization: () => 'org-a', allowGuest: true })).toThrow(/exclude each other/);
    expect(() => organizationProcedure({} as never)).toThrow(/needs an "organizationId" resolver/);
    expect(() => organizationProcedure({ organizationId: 'org-a' as never })).toThrow(/"organizationId" must be a function/);
    expect(() => organizationFromInput('')).toThrow(TypeError);
  });
});
