import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { definePolicy, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs } from 'logto-authkit/graphql';
import type { TestIssuer } from 'logto-authkit/testing';
import { gql, startYogaSuite, type TestServer, type YogaSuite } from './harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: TestServer;

let suite: YogaSuite;

beforeAll(async () => {
  suite = await startYogaSuite();
  ({ issuer, kit, server } = suite);
});
afterAll(() => suite.close());

const build = (sdl: string, options: Parameters<typeof authDirectiveTransformer>[1] = {}) =>
  authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, sdl] }), options);

describe('@auth on fields and types', () => {
  it('lets a caller with the scope through', async () => {
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const { status, body } = await gql(server.url, '{ secret }', { token });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { secret: 'the secret' } });
  });

  it('a refused field is null with FORBIDDEN, requiredScopes and missingScopes at its path', async () => {
    const token = await issuer.mintToken({ scope: 'other' });
    const { body } = await gql(server.url, '{ secret }', { token });
    expect(body.data).toEqual({ secret: null });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['secret'], extensions: expect.objectContaining({ code: 'FORBIDDEN', requiredScopes: ['read:posts'], missingScopes: ['read:posts'] }) }),
    ]);
  });

  it('anyScopes admits one of the scopes and refuses none', async () => {
    expect((await gql(server.url, '{ either }', { token: await issuer.mintToken({ scope: 'write:posts' }) })).body.data).toEqual({ either: 'either' });
    const { body } = await gql(server.url, '{ either }', { token: await issuer.mintToken({ scope: 'read:posts' }) });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['admin', 'write:posts'] });
  });

  it('a type-level @auth guards fields returning the type: `{ me { __typename } }` never runs `me`', async () => {
    const before = server.calls.me;
    const { body } = await gql(server.url, '{ me { __typename } }');
    expect(body.data).toEqual({ me: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(server.calls.me).toBe(before);
    const token = await issuer.mintToken({ sub: 'user-9' });
    expect((await gql(server.url, '{ me { id __typename } }', { token })).body.data).toEqual({ me: { id: 'user-9', __typename: 'User' } });
    expect(server.calls.me).toBe(before + 1);
  });

  it("a field's own @auth adds to its type's (User.email needs sign-in and read:email)", async () => {
    const token = await issuer.mintToken({ sub: 'user-9' });
    const { body } = await gql(server.url, '{ me { id email } }', { token });
    expect(body.data).toEqual({ me: { id: 'user-9', email: null } });
    expect(body.errors?.[0]).toMatchObject({ path: ['me', 'email'], extensions: { code: 'FORBIDDEN', requiredScopes: ['read:email'] } });
  });

  it("a field's own @auth cannot loosen its type's: both apply", async () => {
    const schema = build('type Query @auth(scope: "admin") { adminOnly: String open: String @auth }');
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const auth = await kit.createAuthContext(token);
    const result = await execute({ schema, document: parse('{ adminOnly open }'), rootValue: { adminOnly: 'a', open: 'o' }, contextValue: { auth } });
    expect(result.data).toEqual({ adminOnly: null, open: null });
    expect(result.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', missingScopes: ['admin'] }),
      expect.objectContaining({ code: 'FORBIDDEN', missingScopes: ['admin'] }),
    ]);
  });

  it('an interface @auth guards fields returning it, the fields implementations share with it and their own fields', async () => {
    const before = server.calls.node;
    const refused = await gql(server.url, '{ node { id } post { title note } }');
    expect(refused.body.data).toEqual({ node: null, post: null });
    expect(refused.body.errors?.map((e) => e.path)).toEqual([['node'], ['post']]);
    expect(server.calls.node).toBe(before);
    const token = await issuer.mintToken();
    expect((await gql(server.url, '{ node { id } post { title note } }', { token })).body.data).toEqual({ node: { id: 'n1' }, post: { title: 'post title', note: 'post note' } });
  });

  it('a refused non-null field nulls its parent (GraphQL null propagation)', async () => {
    const { status, body } = await gql(server.url, '{ requiredSecret }');
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ path: ['requiredSecret'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(status).toBe(401);
  });

  it('a mutation needs its scope', async () => {
    const mutation = 'mutation { createPost(title: "hi") { id title } }';
    const denied = await gql(server.url, mutation, { token: await issuer.mintToken({ scope: 'read:posts' }) });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toContain('scope="write:posts"');
    const ok = await gql(server.url, mutation, { token: await issuer.mintToken({ scope: 'write:posts' }) });
    expect(ok.body.data).toEqual({ createPost: { id: 'new', title: 'hi' } });
  });

  it('a policy runs once per request and arguments, and refuses with FORBIDDEN', async () => {
    const token = await issuer.mintToken({ sub: 'alice' });
    const before = server.calls.policy;
    const { body } = await gql(server.url, '{ a: owned(id: "alice") b: owned(id: "alice") c: owned(id: "bob") }', { token });
    expect(body.data).toEqual({ a: 'owned alice', b: 'owned alice', c: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['c'], extensions: { code: 'FORBIDDEN', reason: 'policy_denied' } });
    expect(server.calls.policy - before).toBe(2);
  });

  it('organizationArg must equal the token organization, else organization_mismatch (403)', async () => {
    const token = await issuer.mintToken({ organization_id: 'org-1' });
    expect((await gql(server.url, '{ orgData(orgId: "org-1") }', { token })).body.data).toEqual({ orgData: 'data of org-1' });
    const denied = await gql(server.url, '{ orgData(orgId: "org-2") }', { token });
    expect(denied.status).toBe(403);
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'organization_mismatch' });
  });
});

describe('schema-build errors', () => {
  it.each([
    ['empty scopes', 'type Query { a: String @auth(scopes: []) }', /scopes: \[\]\) on Query\.a is empty/],
    ['empty anyScopes', 'type Query { a: String @auth(anyScopes: []) }', /anyScopes: \[\]\)/],
    ['unknown policy', 'type Query { a: String @auth(policy: "nope") }', /policy: "nope"\) on Query\.a names no policy/],
    ['wrong argument type', 'type Query { a: String @auth(scopes: 5) }', /@auth on Query\.a: Argument "scopes" has invalid value 5/],
    ['a scope with a space', 'type Query { a: String @auth(scope: "a b") }', /invalid scope "a b"/],
    ['organizationArg the field lacks', 'type Query { a: String @auth(organizationArg: "orgId") }', /Query\.a, which has no argument "orgId"/],
  ])('%s', (_name, sdl, message) => {
    expect(() => build(sdl)).toThrow(message);
  });

  it('a directive on an unsupported location fails in the schema build', () => {
    expect(() => build('type Query { a(x: Int @auth): String }')).toThrow(/"@auth" may not be used on ARGUMENT_DEFINITION/);
  });

  it('a schema without the directive or with a mistyped declaration is refused', () => {
    expect(() => authDirectiveTransformer(makeExecutableSchema({ typeDefs: 'type Query { a: String }' }))).toThrow(/add authDirectiveTypeDefs/);
    const mistyped = makeExecutableSchema({ typeDefs: 'directive @auth(scopes: String) on FIELD_DEFINITION type Query { a: String @auth(scopes: "x") }' });
    expect(() => authDirectiveTransformer(mistyped)).toThrow(/"scopes" must be of type \[String!\], not String/);
  });

  it('two policies with one name are refused', () => {
    const p = definePolicy('p', () => true);
    expect(() => build('type Query { a: String }', { policies: [p, definePolicy('p', () => false)] })).toThrow(/two policies are named "p"/);
  });
});
