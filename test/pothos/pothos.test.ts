import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, definePolicy, type AuthKit } from 'logto-authkit';
import { useLogtoAuth, type LogtoAuthContext } from 'logto-authkit/graphql';
import { pothosAuthScopes, pothosUnauthorizedError, type LogtoAuthScopes } from 'logto-authkit/pothos';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { gql } from '../graphql/harness.js';

// A real Pothos schema (scope-auth plugin) served by Yoga with useLogtoAuth on 127.0.0.1.
const runs = { resolvers: 0, isOwner: 0 };

function buildSchema() {
  const isOwner = definePolicy('isOwner', (auth, _ctx: LogtoAuthContext, args: { id?: string }) => (runs.isOwner++, auth.userId === args.id));
  const down = definePolicy('down', () => {
    throw new Error('database down');
  });
  const builder = new SchemaBuilder<{ Context: LogtoAuthContext; AuthScopes: LogtoAuthScopes & { beta: boolean } }>({
    plugins: [ScopeAuthPlugin],
    scopeAuth: {
      authScopes: (ctx) => ({ ...pothosAuthScopes(ctx.auth, ctx), beta: ctx.auth.payload?.beta === true }),
      unauthorizedError: pothosUnauthorizedError,
    },
  });
  const counted = <T>(value: T) => () => (runs.resolvers++, value);
  builder.queryType({
    fields: (t) => ({
      health: t.string({ resolve: () => 'ok' }),
      me: t.string({ nullable: true, authScopes: { authenticated: true }, resolve: (_root, _args, ctx) => (runs.resolvers++, ctx.auth.userId) }),
      posts: t.string({ nullable: true, authScopes: { scope: 'read:posts' }, resolve: counted('posts') }),
      either: t.string({ nullable: true, authScopes: { anyScope: ['admin', 'write:posts'] }, resolve: counted('either') }),
      both: t.string({ nullable: true, authScopes: { $all: { scope: 'read:posts', anyScope: ['admin', 'editor'] } }, resolve: counted('both') }),
      orgData: t.string({
        nullable: true,
        args: { orgId: t.arg.id({ required: true }) },
        authScopes: (_root, args) => ({ organization: { id: String(args.orgId), scopes: ['read:members'] } }),
        resolve: (_root, args) => `members of ${String(args.orgId)}`,
      }),
      owned: t.string({
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        authScopes: (_root, args) => ({ policy: { policy: isOwner, args: { id: String(args.id) } } }),
        resolve: (_root, args) => `owned ${String(args.id)}`,
      }),
      broken: t.string({ nullable: true, authScopes: { policy: down }, resolve: counted('never') }),
      beta: t.string({ nullable: true, authScopes: { beta: true }, resolve: counted('beta') }),
    }),
  });
  return builder.toSchema();
}

let issuer: TestIssuer;
let kit: AuthKit;
let url: string;
let close: () => Promise<void>;

async function serve(authKit: AuthKit): Promise<{ url: string; close: () => Promise<void> }> {
  const yoga = createYoga({ schema: buildSchema(), logging: false, plugins: [useLogtoAuth(authKit)] });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, organizationTokens: true });
  ({ url, close } = await serve(kit));
});
afterAll(async () => {
  await close();
  kit.close();
  await issuer.close();
});

describe('pothosAuthScopes on a real Pothos schema served by Yoga', () => {
  it('an anonymous caller: every root field refused is 401 UNAUTHENTICATED with the challenge; resolvers never run', async () => {
    const before = runs.resolvers;
    const { status, headers, body } = await gql(url, '{ me posts }');
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(body.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.reason])).toEqual([
      [['me'], 'UNAUTHENTICATED', 'missing_token'],
      [['posts'], 'UNAUTHENTICATED', 'missing_token'],
    ]);
    expect(runs.resolvers).toBe(before);
  });

  it('a public field beside a refused one: 200 with data and the error at its path', async () => {
    const { status, body } = await gql(url, '{ health me }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ health: 'ok', me: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('scope: a token without it is 403 FORBIDDEN insufficient_scope naming the scope; with it, the field resolves', async () => {
    const refused = await gql(url, '{ posts }', { token: await issuer.mintToken({ scope: 'other' }) });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", .*scope="read:posts"$/);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope', missingScopes: ['read:posts'] });
    const admitted = await gql(url, '{ me posts }', { token: await issuer.mintToken({ sub: 'u1', scope: 'read:posts' }) });
    expect(admitted).toMatchObject({ status: 200, body: { data: { me: 'u1', posts: 'posts' } } });
  });

  it('anyScope and $all compose through Pothos', async () => {
    expect((await gql(url, '{ either }', { token: await issuer.mintToken({ scope: 'write:posts' }) })).body).toEqual({ data: { either: 'either' } });
    const noneOf = await gql(url, '{ either }', { token: await issuer.mintToken({ scope: 'read:posts' }) });
    expect(noneOf.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['admin', 'write:posts'] });
    const half = await gql(url, '{ both }', { token: await issuer.mintToken({ scope: 'read:posts' }) });
    expect(half.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['admin', 'editor'] });
    expect((await gql(url, '{ both }', { token: await issuer.mintToken({ scope: 'read:posts editor' }) })).body).toEqual({ data: { both: 'both' } });
  });

  it('organization: the token must be bound to the addressed organization and hold its permission', async () => {
    const token = await issuer.mintOrganizationToken('org-a', ['read:members']);
    expect((await gql(url, '{ orgData(orgId: "org-a") }', { token })).body).toEqual({ data: { orgData: 'members of org-a' } });
    const other = await gql(url, '{ orgData(orgId: "org-b") }', { token });
    expect(other.status).toBe(403);
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
    const lacking = await gql(url, '{ orgData(orgId: "org-a") }', { token: await issuer.mintOrganizationToken('org-a', []) });
    expect(lacking.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope' });
  });

  it('an organization token’s permission is no API scope on a field naming no organization', async () => {
    const refused = await gql(url, '{ posts }', { token: await issuer.mintOrganizationToken('org-a', ['read:posts']) });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope' });
  });

  it('policy: gets the arguments, admits the owner, refuses others with policy_denied', async () => {
    const token = await issuer.mintToken({ sub: 'owner-1' });
    expect((await gql(url, '{ owned(id: "owner-1") }', { token })).body).toEqual({ data: { owned: 'owned owner-1' } });
    const refused = await gql(url, '{ owned(id: "someone-else") }', { token });
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]).toMatchObject({ message: 'denied by policy "isOwner"', extensions: { code: 'FORBIDDEN', reason: 'policy_denied' } });
  });

  it('a policy that throws is a 500 policy_error, never FORBIDDEN', async () => {
    const { status, body } = await gql(url, '{ broken }', { token: await issuer.mintToken() });
    expect(status).toBe(500);
    expect(body.errors?.[0]).toMatchObject({ path: ['broken'], extensions: { reason: 'policy_error' } });
    expect(JSON.stringify(body)).not.toContain('database down');
  });

  it("the application's own scopes keep working beside Logto's, refused as a policy would be", async () => {
    expect((await gql(url, '{ beta }', { token: await issuer.mintToken({ beta: true }) })).body).toEqual({ data: { beta: 'beta' } });
    const refused = await gql(url, '{ beta }', { token: await issuer.mintToken() });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'policy_denied' });
  });

  it('an identity-provider outage is 503 SERVICE_UNAVAILABLE, never 401', async () => {
    const dead = createAuthKit({ issuer: issuer.issuer, jwksUrl: `${issuer.issuer}/missing-jwks`, audience: issuer.audience, jwksTimeout: 500 });
    const down = await serve(dead);
    try {
      const { status, body } = await gql(down.url, '{ me }', { token: await issuer.mintToken() });
      expect(status).toBe(503);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'jwks_unavailable' });
    } finally {
      await down.close();
      dead.close();
    }
  });
});
