import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createAuthKit, definePolicy, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, federationAuthDirectiveTypeDefs, useLogtoAuth } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { createYoga } from 'graphql-yoga';
import { serveSchema, transports, type SchemaServer } from './transports.js';

// Apollo Federation's @authenticated, @requiresScopes and @policy, enforced by authDirectiveTransformer: the
// composition cases of directive-compose.test.ts with the federation names, the OR-of-ANDs semantics, the
// build errors, and @auth beside them on one schema.
const typeDefs = /* GraphQL */ `
  type Query {
    document: Document
    payslip: Payslip
    post: Post
    search: SearchResult
    open: Open
    reports: String @requiresScopes(scopes: [["read:reports", "read:users"], ["admin"]])
    both: String @auth(scope: "read:posts") @requiresScopes(scopes: [["write:posts"]])
    owned(id: ID!): String @policy(policies: [["isOwner", "notBanned"], ["isAdmin"]])
    grade: Grade
    money: Money
  }
  interface Document {
    title: String
    salary: Int @requiresScopes(scopes: [["hr:read"]])
  }
  type Payslip implements Document @authenticated {
    title: String
    salary: Int
  }
  interface Node @authenticated {
    id: ID!
  }
  type Post implements Node {
    id: ID!
    title: String
  }
  union SearchResult = Secret | Open
  type Secret @requiresScopes(scopes: [["secret:read"]]) {
    code: String
  }
  type Open {
    text: String
  }
  enum Grade @authenticated { A B }
  scalar Money @requiresScopes(scopes: [["finance:read"]])
`;

const calls = { search: 0, post: 0, policies: 0 };
const payslip = { __typename: 'Payslip', title: 'March', salary: 4200 };
const resolvers = {
  Query: {
    document: () => payslip,
    payslip: () => payslip,
    post: () => {
      calls.post++;
      return { id: 'p1', title: 'draft title' };
    },
    search: () => {
      calls.search++;
      return { __typename: 'Secret', code: 'c0de' };
    },
    open: () => ({ text: 'hello' }),
    reports: () => 'reports',
    both: () => 'both',
    owned: (_: unknown, args: { id: string }) => `owned ${args.id}`,
    grade: () => 'A',
    money: () => 42,
  },
  Document: { __resolveType: () => 'Payslip' },
  Node: { __resolveType: () => 'Post' },
  SearchResult: { __resolveType: (value: { __typename: string }) => value.__typename },
};
const isOwner = definePolicy('isOwner', (auth, _ctx, args: { id?: string }) => (calls.policies++, auth.userId === args.id));
const notBanned = definePolicy('notBanned', (auth) => (calls.policies++, auth.userId !== 'banned'));
const isAdmin = definePolicy('isAdmin', (auth) => (calls.policies++, auth.hasScopes('admin')));
const policies = [isOwner, notBanned, isAdmin];

let issuer: TestIssuer;
let kit: AuthKit;
let server: SchemaServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  const schema = makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, federationAuthDirectiveTypeDefs, typeDefs], resolvers });
  server = await serveSchema(kit, authDirectiveTransformer(schema, { policies }));
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

const build = (sdl: string, options: Parameters<typeof authDirectiveTransformer>[1] = {}) => () =>
  authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, federationAuthDirectiveTypeDefs, sdl] }), options);

describe.each(transports)('federation directives compose as @auth does (%s)', (transport) => {
  it('a type-level @authenticated does not replace the stricter @requiresScopes its interface puts on a field', async () => {
    const refused = await server.run(transport, '{ document { title salary } payslip { salary } }', await issuer.mintToken({ scope: 'read:posts' }));
    expect(refused.data).toEqual({ document: { title: 'March', salary: null }, payslip: { salary: null } });
    expect(refused.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.missingScopes])).toEqual([
      [['document', 'salary'], 'FORBIDDEN', ['hr:read']],
      [['payslip', 'salary'], 'FORBIDDEN', ['hr:read']],
    ]);
    const admitted = await server.run(transport, '{ document { salary } payslip { salary } }', await issuer.mintToken({ scope: 'hr:read' }));
    expect(admitted).toEqual({ data: { document: { salary: 4200 }, payslip: { salary: 4200 } } });
  });

  it("a field returning an interface needs its implementations' @authenticated", async () => {
    const refused = await server.run(transport, '{ document { title } }');
    expect(refused.data).toEqual({ document: null });
    expect(refused.errors?.[0]).toMatchObject({ path: ['document'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it("an @authenticated interface guards its implementations' own fields and fields returning them; the resolver never runs", async () => {
    const before = calls.post;
    const refused = await server.run(transport, '{ post { title } }');
    expect(refused.data).toEqual({ post: null });
    expect(refused.errors?.[0]).toMatchObject({ path: ['post'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls.post).toBe(before);
    expect(await server.run(transport, '{ post { title } }', await issuer.mintToken())).toEqual({ data: { post: { title: 'draft title' } } });
  });

  it('a field returning a union needs the @requiresScopes of its members', async () => {
    const before = calls.search;
    const refused = await server.run(transport, '{ search { __typename } open { text } }', await issuer.mintToken());
    expect(refused.data).toEqual({ search: null, open: { text: 'hello' } });
    expect(refused.errors?.[0]).toMatchObject({ path: ['search'], extensions: { code: 'FORBIDDEN', missingScopes: ['secret:read'] } });
    expect(calls.search).toBe(before);
    const admitted = await server.run(transport, '{ search { ... on Secret { code } } }', await issuer.mintToken({ scope: 'secret:read' }));
    expect(admitted).toEqual({ data: { search: { code: 'c0de' } } });
  });
});

describe('@requiresScopes: one of the sets, each in full', () => {
  it.each([
    ['read:reports read:users', true],
    ['admin', true],
    ['read:reports', false],
    ['read:users other', false],
  ])('scope "%s" → admitted: %s', async (scope, admitted) => {
    const result = await server.run('http', '{ reports }', await issuer.mintToken({ scope }));
    if (admitted) expect(result).toEqual({ data: { reports: 'reports' } });
    else expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope', requiredScopes: ['read:reports', 'read:users'] });
  });

  it('an anonymous caller is UNAUTHENTICATED, not FORBIDDEN', async () => {
    expect((await server.run('http', '{ reports }')).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'missing_token' });
  });

  it('@auth and @requiresScopes on one field both apply', async () => {
    const one = await server.run('http', '{ both }', await issuer.mintToken({ scope: 'read:posts' }));
    expect(one.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['write:posts'] });
    const other = await server.run('http', '{ both }', await issuer.mintToken({ scope: 'write:posts' }));
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['read:posts'] });
    expect(await server.run('http', '{ both }', await issuer.mintToken({ scope: 'read:posts write:posts' }))).toEqual({ data: { both: 'both' } });
  });

  it('on an enum and a scalar, it guards every field returning them', async () => {
    const anonymous = await server.run('http', '{ grade money }');
    expect(anonymous.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['grade'], 'UNAUTHENTICATED'],
      [['money'], 'UNAUTHENTICATED'],
    ]);
    const signedIn = await server.run('http', '{ grade money }', await issuer.mintToken());
    expect(signedIn.data).toEqual({ grade: 'A', money: null });
    expect(signedIn.errors?.[0]).toMatchObject({ path: ['money'], extensions: { missingScopes: ['finance:read'] } });
    expect(await server.run('http', '{ grade money }', await issuer.mintToken({ scope: 'finance:read' }))).toEqual({ data: { grade: 'A', money: 42 } });
  });
});

describe('@policy: one of the sets of named policies, each in full', () => {
  it('admits the owner who is not banned, or an admin; refuses with policy_denied naming the sets', async () => {
    expect(await server.run('http', '{ owned(id: "u1") }', await issuer.mintToken({ sub: 'u1' }))).toEqual({ data: { owned: 'owned u1' } });
    expect(await server.run('http', '{ owned(id: "u1") }', await issuer.mintToken({ sub: 'u2', scope: 'admin' }))).toEqual({ data: { owned: 'owned u1' } });
    const refused = await server.run('http', '{ owned(id: "banned") }', await issuer.mintToken({ sub: 'banned' }));
    expect(refused.errors?.[0]).toMatchObject({ message: 'denied by policy "(isOwner and notBanned) or (isAdmin)"', extensions: { code: 'FORBIDDEN', reason: 'policy_denied' } });
  });

  it('stops a set at its first refusal: a non-owner costs isOwner then isAdmin, never notBanned', async () => {
    const before = calls.policies;
    await server.run('http', '{ owned(id: "u1") }', await issuer.mintToken({ sub: 'u2' }));
    expect(calls.policies - before).toBe(2);
  });

  it('a policy that throws is a 500 policy_error, never FORBIDDEN', async () => {
    const down = definePolicy('down', () => {
      throw new Error('database down');
    });
    const schema = build('type Query { x: String @policy(policies: [["down"], ["down"]]) }', { policies: [down] })();
    const auth = await kit.createAuthContext(await issuer.mintToken());
    const result = await execute({ schema, document: parse('{ x }'), rootValue: { x: 'x' }, contextValue: { auth } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ reason: 'policy_error', http: { status: 500 } });
  });
});

describe('federation directives fail at schema build for what cannot be enforced', () => {
  it.each([
    ['an unknown policy name', 'type Query { a: String @policy(policies: [["nope"]]) }', /@policy\(policies:\) on Query\.a names no policy "nope"; known: isOwner/],
    ['an empty list of scope sets', 'type Query { a: String @requiresScopes(scopes: []) }', /@requiresScopes\(scopes:\) on Query\.a must list at least one set/],
    ['an empty scope set', 'type Query { a: String @requiresScopes(scopes: [["x"], []]) }', /has an empty set, which would admit anyone/],
    ['a scope with a space', 'type Query { a: String @requiresScopes(scopes: [["a b"]]) }', /@requiresScopes\(scopes:\) on Query\.a has an invalid scope "a b"/],
    ['a field allowGuest under @authenticated', 'type Query @authenticated { a: String @auth(allowGuest: true) }', /@auth\(allowGuest: true\) on Query\.a cannot relax @authenticated on type Query/],
    ['a field allowGuest returning a @requiresScopes type', 'type Query { me: User @auth(allowGuest: true) } type User @requiresScopes(scopes: [["a"]]) { id: ID }', /on Query\.me cannot relax @requiresScopes on type User/],
  ])('%s', (_name, sdl, message) => {
    expect(build(sdl, { policies: [isOwner] })).toThrow(TypeError);
    expect(build(sdl, { policies: [isOwner] })).toThrow(message);
  });

  it('a mistyped declaration of a federation directive is refused', () => {
    const sdl = 'directive @requiresScopes(scopes: [String!]) on FIELD_DEFINITION\ntype Query { a: String @requiresScopes(scopes: ["x"]) }';
    expect(() => authDirectiveTransformer(makeExecutableSchema({ typeDefs: sdl }))).toThrow(/@requiresScopes argument "scopes" must be of type \[\[String!\]!\]! or \[\[federation__Scope!\]!\]!/);
  });

  it("Apollo's own declarations (federation__Scope, federation__Policy) are accepted, without @auth declared", async () => {
    const sdl = /* GraphQL */ `
      scalar federation__Scope
      scalar federation__Policy
      directive @requiresScopes(scopes: [[federation__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
      directive @policy(policies: [[federation__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
      type Query { a: String @requiresScopes(scopes: [["read:a"]])  b: String @policy(policies: [["isOwner"]]) }`;
    const schema = authDirectiveTransformer(makeExecutableSchema({ typeDefs: sdl }), { policies: [isOwner] });
    const auth = await kit.createAuthContext(await issuer.mintToken({ scope: 'read:a' }));
    const result = await execute({ schema, document: parse('{ a b }'), rootValue: { a: 'a', b: 'b' }, contextValue: { auth } });
    expect(result.data).toEqual({ a: 'a', b: null });
    expect(result.errors?.[0]?.extensions).toMatchObject({ reason: 'policy_denied' });
  });

  it('a schema with neither @auth nor a federation directive declared is refused', () => {
    expect(() => authDirectiveTransformer(makeExecutableSchema({ typeDefs: 'type Query { a: String }' }))).toThrow(/add authDirectiveTypeDefs \(or federationAuthDirectiveTypeDefs\)/);
  });

  it('useLogtoAuth refuses a schema that uses @authenticated without the transformer', () => {
    const schema = makeExecutableSchema({ typeDefs: [federationAuthDirectiveTypeDefs, 'type Query { a: String @authenticated }'] });
    expect(() => createYoga({ schema, plugins: [useLogtoAuth(kit)] })).toThrow(/not passed through authDirectiveTransformer/);
  });
});
