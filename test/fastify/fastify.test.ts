import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createAuthKit, definePolicy, type AuthContext, type AuthKit } from '../../src/index.js';
import { logtoAuthPlugin, requireAuth } from '../../src/fastify/index.js';
import { useLogtoAuth } from '../../src/graphql/index.js';
import { authResponseMeta, createAuthProcedures, createTRPCContext } from '../../src/trpc/index.js';
import { createTestIssuer, generateTestSigningKey, type TestIssuer } from '../../src/testing/index.js';

let issuer: TestIssuer;
let kit: AuthKit;
let guestKit: AuthKit;
let downKit: AuthKit;
const apps: FastifyInstance[] = [];
const bases: Record<string, string> = {};

const owners = new Map([['p1', 'alice']]);
const isOwner = definePolicy('isOwner', (auth, _request, params: { postId?: string }) => owners.get(params.postId ?? '') === auth.userId);

async function start(name: string, build: (app: FastifyInstance) => Promise<void> | void) {
  const app = Fastify();
  await build(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  bases[name] = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function routes(app: FastifyInstance, authKit: AuthKit) {
  await app.register(logtoAuthPlugin, { kit: authKit });
  // Registered in a child context: the plugin still covers it (skip-override).
  await app.register(async (child) => {
    child.get('/public', async (request) => ({ status: request.auth?.status }));
    child.get('/me', { preHandler: requireAuth() }, async (request) => ({ userId: request.auth?.userId }));
    child.post('/posts', { preHandler: requireAuth({ scopes: ['write:posts'] }) }, async (request) => ({ author: request.auth?.userId }));
    child.put('/posts/:postId', { preHandler: requireAuth({ scopes: ['write:posts'], policy: isOwner }) }, async () => ({ updated: true }));
    child.get('/orgs/:orgId', { preHandler: requireAuth({ organization: (request) => (request.params as { orgId: string }).orgId }) }, async (request) => ({
      org: request.auth?.status === 'authenticated' ? request.auth.organizationId : undefined,
    }));
    child.get('/guest', { preHandler: requireAuth({ allowGuest: true }) }, async (request) => ({ status: request.auth?.status }));
  });
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  const options = { logtoUrl: issuer.logtoUrl, audience: issuer.audience, onWarning: () => {} };
  kit = createAuthKit({ ...options, organizationTokens: true });
  guestKit = createAuthKit({ ...options, allowGuest: true });
  downKit = createAuthKit({ audience: issuer.audience, issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:9/oidc/jwks', jwksTimeout: 500, onWarning: () => {} });
  await start('plain', (app) => routes(app, kit));
  await start('guest', (app) => routes(app, guestKit));
  await start('down', (app) => routes(app, downKit));

  const t = initTRPC.context<Awaited<ReturnType<ReturnType<typeof createTRPCContext>>>>().create();
  const { protectedProcedure } = createAuthProcedures(t);
  const router = t.router({ whoami: protectedProcedure.query(({ ctx }) => ctx.auth.userId) });
  await start('trpc', async (app) => {
    await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions: { router, createContext: createTRPCContext(kit), responseMeta: authResponseMeta } });
  });

  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { me: String }', resolvers: { Query: { me: (_: unknown, __: unknown, ctx: { auth: AuthContext }) => (ctx.auth.status === 'authenticated' ? ctx.auth.userId : null) } } }),
    plugins: [useLogtoAuth(kit)],
    logging: false,
  });
  await start('yoga', (app) => {
    app.route({
      url: '/graphql',
      method: ['GET', 'POST', 'OPTIONS'],
      handler: async (request, reply) => {
        const response = await yoga.handleNodeRequestAndResponse(request, reply);
        response.headers.forEach((value, key) => void reply.header(key, value));
        reply.status(response.status);
        reply.send(response.body);
        return reply;
      },
    });
  });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const k of [kit, guestKit, downKit]) k?.close();
  await issuer?.close();
});

const call = (base: string, path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${bases[base]}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });

describe('logto-authkit/fastify on a real Fastify 5 server', () => {
  it('request.auth on every route of the app, public ones never refused', async () => {
    expect(await (await call('plain', '/public')).json()).toEqual({ status: 'anonymous' });
    expect(await (await call('plain', '/public', await issuer.mintToken({ sub: 'alice' }))).json()).toEqual({ status: 'authenticated' });
  });

  it('401 without a token, 401 invalid_token for a forgery, 200 with a real token', async () => {
    const none = await call('plain', '/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(none.headers.get('www-authenticate')).not.toMatch(/error=/);
    expect(none.headers.get('cache-control')).toBe('no-store');
    // Signed by a key the issuer never published, under its current kid: a forgery.
    const forged = await issuer.mintToken({ sub: 'alice' }, { key: await (await generateTestSigningKey()).signingKey('ES384') });
    const refused = await call('plain', '/me', forged);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(await (await call('plain', '/me', await issuer.mintToken({ sub: 'alice' }))).json()).toEqual({ userId: 'alice' });
  });

  it('403 insufficient_scope naming the scope; a policy on the path parameters; an organization from the path', async () => {
    const refused = await call('plain', '/posts', await issuer.mintToken({ sub: 'alice', scope: 'read:posts' }), { method: 'POST' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="write:posts"/);
    expect((await call('plain', '/posts/p1', await issuer.mintToken({ sub: 'alice', scope: 'write:posts' }), { method: 'PUT' })).status).toBe(200);
    const notOwner = await call('plain', '/posts/p1', await issuer.mintToken({ sub: 'bob', scope: 'write:posts' }), { method: 'PUT' });
    expect(notOwner.status).toBe(403);
    expect((await notOwner.json()).error).toBe('policy_denied');
    const orgToken = await issuer.mintOrganizationToken('acme', []);
    expect(await (await call('plain', '/orgs/acme', orgToken)).json()).toEqual({ org: 'acme' });
    expect((await call('plain', '/orgs/globex', orgToken)).status).toBe(403);
  });

  it('guests pass allowGuest routes and get the guest cookie once', async () => {
    const response = await call('guest', '/guest');
    expect(await response.json()).toEqual({ status: 'guest' });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^guest_logto_authtoken=[0-9a-f-]{36}; .*HttpOnly/);
    const again = await call('guest', '/guest', undefined, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(again.headers.get('set-cookie')).toBeNull();
    expect((await call('guest', '/me')).status).toBe(401);
  });

  it('Logto unreachable: 503 jwks_unavailable, not 401', async () => {
    const response = await call('down', '/me', await issuer.mintToken({ sub: 'alice' }));
    expect(response.status).toBe(503);
    expect((await response.json()).error).toBe('jwks_unavailable');
  });

  it('bad set-up fails at start: no kit, a string for scopes', async () => {
    await expect(Fastify().register(logtoAuthPlugin, {} as never).ready()).rejects.toThrow(/register the plugin with a kit/);
    expect(() => requireAuth({ scopes: 'write:posts' } as never)).toThrow(/logto-authkit\/fastify: requireAuth option "scopes" must be an array/);
  });

  it('types: request.auth is the core context', () => {
    const app = Fastify();
    app.get('/t', async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<AuthContext | undefined>();
      return '';
    });
  });
});

describe('with the frameworks users run on Fastify', () => {
  it("tRPC's Fastify adapter: 401 without a token, the user with one", async () => {
    const none = await call('trpc', '/trpc/whoami');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const ok = await call('trpc', '/trpc/whoami', await issuer.mintToken({ sub: 'alice' }));
    expect(ok.status).toBe(200);
    expect((await ok.json()).result.data).toBe('alice');
  });

  it('Yoga on Fastify: the caller in the GraphQL context', async () => {
    const query = (token?: string) => call('yoga', '/graphql', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me }' }) });
    expect((await (await query()).json()).data).toEqual({ me: null });
    expect((await (await query(await issuer.mintToken({ sub: 'alice' }))).json()).data).toEqual({ me: 'alice' });
  });
});
