import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, useLogtoAuth } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { gql } from './harness.js';

// @auth(organizationArg:) over real Yoga on 127.0.0.1: the argument names the
// tenant; only the token's own organization_id (or organization audience) admits.
const typeDefs = /* GraphQL */ `
  type Query {
    projects(orgId: ID!): [String!] @auth(organizationArg: "orgId", scope: "read:projects")
    optionalOrg(orgId: ID): String @auth(organizationArg: "orgId")
    health: String
  }
  type Mutation {
    createProject(orgId: ID!, name: String!): String @auth(organizationArg: "orgId", scopes: ["write:projects"])
  }
`;

let issuer: TestIssuer;
let kit: AuthKit;
let server: Server;
let url: string;
const runs = { count: 0 };

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, organizationTokens: true });
  const resolvers = {
    Query: {
      projects: (_: unknown, args: { orgId: string }) => (runs.count++, [`${args.orgId}/rocket`]),
      optionalOrg: (_: unknown, args: { orgId?: string | null }) => (runs.count++, args.orgId ?? 'none'),
      health: () => 'ok',
    },
    Mutation: { createProject: (_: unknown, args: { orgId: string; name: string }) => (runs.count++, `${args.orgId}/${args.name}`) },
  };
  const schema = authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers }));
  server = createServer(createYoga({ schema, logging: false, plugins: [useLogtoAuth(kit)] }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  kit.close();
  await issuer.close();
});

const reasonOf = (body: Awaited<ReturnType<typeof gql>>['body']) => body.errors?.[0]?.extensions;

describe('@auth(organizationArg)', () => {
  it('admits the organization the token is bound to, from a literal or a variable', async () => {
    const token = await issuer.mintToken({ organization_id: 'org-a', scope: 'read:projects' });
    expect((await gql(url, '{ projects(orgId: "org-a") }', { token })).body).toEqual({ data: { projects: ['org-a/rocket'] } });
    const viaVariable = await gql(url, 'query ($org: ID!) { projects(orgId: $org) }', { token, variables: { org: 'org-a' } });
    expect(viaVariable.body.data).toEqual({ projects: ['org-a/rocket'] });
  });

  it("another organization's id through a variable is FORBIDDEN organization_mismatch; siblings still resolve", async () => {
    const token = await issuer.mintToken({ organization_id: 'org-a', scope: 'read:projects' });
    const before = runs.count;
    const { status, body } = await gql(url, 'query ($org: ID!) { health projects(orgId: $org) }', { token, variables: { org: 'org-b' } });
    expect(body.data).toEqual({ health: 'ok', projects: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['projects'], extensions: { code: 'FORBIDDEN', reason: 'organization_mismatch' } });
    expect(status).toBe(200);
    expect(runs.count).toBe(before);
  });

  it('a token without an organization is FORBIDDEN organization_mismatch (403), whatever id the client sends', async () => {
    const token = await issuer.mintToken({ scope: 'read:projects write:projects' });
    const { status, body } = await gql(url, 'mutation { createProject(orgId: "org-a", name: "x") }', { token });
    expect(body.data).toEqual({ createProject: null });
    expect(reasonOf(body)).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
    expect(status).toBe(403);
  });

  it('the right organization without the scope is FORBIDDEN insufficient_scope', async () => {
    const token = await issuer.mintToken({ organization_id: 'org-a', scope: 'read:projects' });
    const { body } = await gql(url, 'mutation { createProject(orgId: "org-a", name: "x") }', { token });
    expect(reasonOf(body)).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope' });
  });

  it('an omitted, null or empty organization argument never admits', async () => {
    const token = await issuer.mintToken({ organization_id: 'org-a' });
    for (const query of ['{ optionalOrg }', '{ optionalOrg(orgId: null) }', '{ optionalOrg(orgId: "") }']) {
      const { body } = await gql(url, query, { token });
      expect(body.data).toEqual({ optionalOrg: null });
      expect(reasonOf(body)).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
    }
  });

  it('no token is UNAUTHENTICATED, not a tenant mismatch', async () => {
    const { status, body } = await gql(url, '{ projects(orgId: "org-a") }');
    expect(reasonOf(body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(status).toBe(401);
  });

  it('an organization token (organizationTokens: true) binds to the organization in its audience', async () => {
    const token = await issuer.mintOrganizationToken('org-a', ['read:projects']);
    expect((await gql(url, '{ projects(orgId: "org-a") }', { token })).body.data).toEqual({ projects: ['org-a/rocket'] });
    expect(reasonOf((await gql(url, '{ projects(orgId: "org-b") }', { token })).body)).toMatchObject({ reason: 'organization_mismatch' });
  });
});

describe('organizationArg at schema build', () => {
  const build = (sdl: string) => authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, sdl] }));

  it('naming an argument the field lacks fails the build, on a field or through a type', () => {
    expect(() => build('type Query { a(org: ID): String @auth(organizationArg: "orgId") }')).toThrow(/Query\.a, which has no argument "orgId"/);
    // A guarded type also guards the fields returning it, so they need the argument too.
    const org = 'type Org @auth(organizationArg: "orgId") { name(orgId: ID!): String  plan: String }';
    expect(() => build(`type Query { org: Org } ${org}`)).toThrow(/from type Org applies to Query\.org, which has no argument "orgId"/);
    expect(() => build(`type Query { org(orgId: ID!): Org } ${org}`)).toThrow(/Org\.plan, which has no argument "orgId"/);
  });

  it('a field that has the argument builds', () => {
    expect(() => build('type Query { a(orgId: ID!): String @auth(organizationArg: "orgId") }')).not.toThrow();
  });
});
