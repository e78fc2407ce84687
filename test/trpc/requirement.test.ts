/**
 * The requirement evaluator through real tRPC servers (standalone HTTP and the
 * ws adapter): one order, policies per call, a throwing policy is a 500.
 */
import { createTRPCClient, createWSClient, httpLink, TRPCClientError, wsLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { z } from 'zod';
import { createAuthKit, definePolicy, isAuthError, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { authResponseMeta, createTRPCContext, findAuthError, organizationFromInput, requireAuth } from 'logto-authkit/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const acl = new Set<string>();
const runs = { canRead: 0, denyAll: 0 };
const serverErrors: unknown[] = [];

function buildRouter(kit: AuthKit) {
  const createContext = createTRPCContext(kit);
  const t = initTRPC.context<typeof createContext>().create();
  const canRead = definePolicy('canRead', (auth, _ctx, input: { docId: string }) => (runs.canRead++, acl.has(`${auth.userId}:${input.docId}`)));
  const denyAll = definePolicy('denyAll', () => (runs.denyAll++, false));
  const down = definePolicy('down', () => {
    throw new Error('database down');
  });
  const router = t.router({
    doc: t.procedure.input(z.object({ docId: z.string() })).use(requireAuth({ policy: canRead })).query(({ input }) => input.docId),
    // Two guards with one policy on one call: the rule runs once for the call.
    docTwice: t.procedure.input(z.object({ docId: z.string() })).use(requireAuth({ policy: canRead })).use(requireAuth({ policy: canRead })).query(({ input }) => input.docId),
    ordered: t.procedure
      .input(z.object({ orgId: z.string() }))
      .use(requireAuth({ organization: organizationFromInput('orgId'), scopes: ['admin'], policy: denyAll }))
      .query(() => 'never'),
    broken: t.procedure.use(requireAuth({ policy: down })).query(() => 'never'),
    admin: t.procedure.use(requireAuth({ scopes: ['admin'] })).query(() => 'admin'),
    reports: t.procedure.use(requireAuth({ scopes: [['read:reports', 'read:users'], ['admin']] })).query(() => 'reports'),
    orgAdmin: t.procedure.input(z.object({ orgId: z.string() })).use(requireAuth({ organization: organizationFromInput('orgId'), scopes: ['admin'] })).query(() => 'org admin'),
  });
  return { router, createContext };
}

type Router = ReturnType<typeof buildRouter>['router'];

let issuer: TestIssuer;
let kit: AuthKit;
let url: string;
let wsUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, organizationTokens: true });
  const { router, createContext } = buildRouter(kit);
  const server = createHTTPServer({ router, createContext, responseMeta: authResponseMeta, onError: ({ error }) => serverErrors.push(error) });
  const wss = new WebSocketServer({ server });
  const handler = applyWSSHandler({ wss, router, createContext });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  wsUrl = `ws://127.0.0.1:${port}`;
  close = async () => {
    handler.broadcastReconnectNotification();
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
});
afterAll(async () => {
  await close();
  kit.close();
  await issuer.close();
});

const http = (token: string) => createTRPCClient<Router>({ links: [httpLink({ url, headers: { authorization: `Bearer ${token}` } })] });
function socket(token: string) {
  const ws = createWSClient({ url: wsUrl, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, connectionParams: () => ({ token }), retryDelayMs: () => 50 });
  return { client: createTRPCClient<Router>({ links: [wsLink({ client: ws })] }), close: () => ws.close() };
}
async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<Router>> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  return error as TRPCClientError<Router>;
}

describe('tRPC requireAuth: one order', () => {
  it('organization before scopes before policy', async () => {
    const before = runs.denyAll;
    const wrongOrg = await trpcError(http(await issuer.mintToken({ organization_id: 'org-b' })).ordered.query({ orgId: 'org-a' }));
    expect([wrongOrg.data?.code, wrongOrg.message]).toEqual(['FORBIDDEN', 'token belongs to another organization']);
    const noScope = await trpcError(http(await issuer.mintToken({ organization_id: 'org-a' })).ordered.query({ orgId: 'org-a' }));
    expect([noScope.data?.code, noScope.message]).toEqual(['FORBIDDEN', "token carries no scopes: no role of the user or app grants this API's permissions (required: admin)"]);
    expect(runs.denyAll).toBe(before);
    const denied = await trpcError(http(await issuer.mintToken({ organization_id: 'org-a', scope: 'admin' })).ordered.query({ orgId: 'org-a' }));
    expect([denied.data?.code, denied.message]).toEqual(['FORBIDDEN', 'denied by policy "denyAll"']);
    expect(runs.denyAll).toBe(before + 1);
  });
});

describe('tRPC policies are memoised per call, never per connection', () => {
  it('over one WebSocket, a policy re-runs for each call and sees the data change (user removed from the ACL)', async () => {
    const token = await issuer.mintToken({ sub: 'ws-reader' });
    acl.add('ws-reader:d1');
    const { client, close: closeSocket } = socket(token);
    try {
      expect(await client.doc.query({ docId: 'd1' })).toBe('d1');
      acl.delete('ws-reader:d1');
      const error = await trpcError(client.doc.query({ docId: 'd1' }));
      expect([error.data?.code, error.message]).toEqual(['FORBIDDEN', 'denied by policy "canRead"']);
      acl.add('ws-reader:d1');
      expect(await client.doc.query({ docId: 'd1' })).toBe('d1');
    } finally {
      closeSocket();
    }
  });

  it('a connection making many distinct calls keeps no policy results', async () => {
    const token = await issuer.mintToken({ sub: 'ws-many' });
    const { client, close: closeSocket } = socket(token);
    try {
      const before = runs.canRead;
      for (let i = 0; i < 50; i++) await trpcError(client.doc.query({ docId: `x${i}` }));
      for (let i = 0; i < 50; i++) await trpcError(client.doc.query({ docId: `x${i}` }));
      expect(runs.canRead - before).toBe(100); // every call ran the rule: nothing was kept between calls
    } finally {
      closeSocket();
    }
  });

  it('within one call, two guards with the same policy run the rule once', async () => {
    acl.add('twice:d2');
    const before = runs.canRead;
    expect(await http(await issuer.mintToken({ sub: 'twice' })).docTwice.query({ docId: 'd2' })).toBe('d2');
    expect(runs.canRead - before).toBe(1);
  });
});

describe('tRPC: a policy that throws', () => {
  it('is INTERNAL_SERVER_ERROR (500) policy_error with the rule’s error as cause, never FORBIDDEN', async () => {
    const token = await issuer.mintToken();
    const error = await trpcError(http(token).broken.query());
    expect([error.data?.code, error.data?.httpStatus, error.message]).toEqual(['INTERNAL_SERVER_ERROR', 500, 'policy "down" could not be evaluated']);
    const raw = await fetch(`${url}/broken`, { headers: { authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(500);
    const authError = findAuthError(serverErrors.at(-1));
    expect(isAuthError(authError) && authError.code).toBe('policy_error');
    expect((authError?.cause as Error).message).toBe('database down');
  });
});

describe('tRPC: organization tokens and API scopes', () => {
  it('an organization token’s admin permission does not pass requireAuth({ scopes: [admin] }) on a procedure naming no organization', async () => {
    const token = await issuer.mintOrganizationToken('org-a', ['admin']);
    const error = await trpcError(http(token).admin.query());
    expect([error.data?.code, error.data?.httpStatus]).toEqual(['FORBIDDEN', 403]);
    expect(await http(token).orgAdmin.query({ orgId: 'org-a' })).toBe('org admin');
    expect((await trpcError(http(token).orgAdmin.query({ orgId: 'org-b' }))).message).toBe('token belongs to another organization');
  });
});

describe('tRPC requireAuth: one of several scope sets (scopes: [[...], [...]])', () => {
  it('admits a caller holding every scope of one set', async () => {
    expect(await http(await issuer.mintToken({ scope: 'read:reports read:users' })).reports.query()).toBe('reports');
    expect(await http(await issuer.mintToken({ scope: 'admin' })).reports.query()).toBe('reports');
  });

  it('refuses part of each set with FORBIDDEN (403), naming the sets and what the closest one lacks', async () => {
    const error = await trpcError(http(await issuer.mintToken({ scope: 'read:users admin:partial' })).reports.query());
    expect([error.data?.code, error.data?.httpStatus, error.message]).toEqual(['FORBIDDEN', 403, 'needs all scopes of one of (read:reports read:users) or (admin); closest: missing read:reports']);
    const raw = await fetch(`${url}/reports`, { headers: { authorization: `Bearer ${await issuer.mintToken({ scope: 'read:users' })}` } });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('www-authenticate')).toMatch(/scope="read:reports read:users"$/);
  });

  it('an organization token’s scopes count for no set on a procedure naming no organization', async () => {
    const error = await trpcError(http(await issuer.mintOrganizationToken('org-a', ['admin'])).reports.query());
    expect([error.data?.code, error.message]).toEqual(['FORBIDDEN', 'needs all scopes of one of (read:reports read:users) or (admin); closest: missing admin (an organization token grants scopes only where its organization is addressed)']);
  });
});
