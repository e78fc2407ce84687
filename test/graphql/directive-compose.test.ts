import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { serveSchema, transports, type SchemaServer } from './transports.js';

// Every composition case of issue 11: interface field rules under a looser type rule, implementation-only
// fields of a protected interface, and fields returning a union whose members are protected.
const typeDefs = /* GraphQL */ `
  type Query {
    document: Document
    payslip: Payslip
    post: Post
    search: SearchResult
    open: Open
  }
  interface Document {
    title: String
    salary: Int @auth(scope: "hr:read")
  }
  type Payslip implements Document @auth {
    title: String
    salary: Int
  }
  interface Node @auth {
    id: ID!
  }
  type Post implements Node {
    id: ID!
    title: String
  }
  union SearchResult = Secret | Open
  type Secret @auth(scope: "secret:read") {
    code: String
  }
  type Open {
    text: String
  }
`;

const calls = { search: 0, post: 0 };
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
  },
  Document: { __resolveType: () => 'Payslip' },
  Node: { __resolveType: () => 'Post' },
  SearchResult: { __resolveType: (value: { __typename: string }) => value.__typename },
};

let issuer: TestIssuer;
let kit: AuthKit;
let server: SchemaServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  server = await serveSchema(kit, authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers })));
});
afterAll(async () => {
  await server.close();
  kit.close();
  await issuer.close();
});

const build = (sdl: string) => () => authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, sdl] }));

describe.each(transports)('all applicable @auth rules apply together (%s)', (transport) => {
  it("a type-level @auth does not replace the stricter @auth its interface puts on a field, directly or through the interface", async () => {
    const token = await issuer.mintToken({ scope: 'read:posts' });
    const refused = await server.run(transport, '{ document { title salary } payslip { salary } }', token);
    expect(refused.data).toEqual({ document: { title: 'March', salary: null }, payslip: { salary: null } });
    expect(refused.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.missingScopes])).toEqual([
      [['document', 'salary'], 'FORBIDDEN', ['hr:read']],
      [['payslip', 'salary'], 'FORBIDDEN', ['hr:read']],
    ]);
    const admitted = await server.run(transport, '{ document { salary } payslip { salary } }', await issuer.mintToken({ scope: 'hr:read' }));
    expect(admitted).toEqual({ data: { document: { salary: 4200 }, payslip: { salary: 4200 } } });
  });

  it("a field returning an interface needs its implementations' type rules", async () => {
    const refused = await server.run(transport, '{ document { title } }');
    expect(refused.data).toEqual({ document: null });
    expect(refused.errors?.[0]).toMatchObject({ path: ['document'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it("a protected interface's type rule guards its implementations' own fields, and fields returning them", async () => {
    const before = calls.post;
    const refused = await server.run(transport, '{ post { title } }');
    expect(refused.data).toEqual({ post: null });
    expect(refused.errors?.[0]).toMatchObject({ path: ['post'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls.post).toBe(before);
    expect(await server.run(transport, '{ post { title } }', await issuer.mintToken())).toEqual({ data: { post: { title: 'draft title' } } });
  });

  it('a field returning a union needs the rules of its protected members: the resolver never runs for a refused caller', async () => {
    const before = calls.search;
    const refused = await server.run(transport, '{ search { __typename } open { text } }', await issuer.mintToken());
    expect(refused.data).toEqual({ search: null, open: { text: 'hello' } });
    expect(refused.errors?.[0]).toMatchObject({ path: ['search'], extensions: { code: 'FORBIDDEN', missingScopes: ['secret:read'] } });
    expect(calls.search).toBe(before);
    const admitted = await server.run(transport, '{ search { ... on Secret { code } } }', await issuer.mintToken({ scope: 'secret:read' }));
    expect(admitted).toEqual({ data: { search: { code: 'c0de' } } });
  });
});

describe('a rule that would relax another is refused at schema build', () => {
  it.each([
    ['under its type', 'type Query @auth { open: String @auth(allowGuest: true) }', /allowGuest: true\) on Query\.open cannot relax @auth on type Query/],
    ['under its interface', 'type Query { n: N } interface N { a: String @auth } type T implements N { a: String @auth(allowGuest: true) }', /on T\.a cannot relax @auth on N\.a/],
    ['returning a protected type', 'type Query { me: User @auth(allowGuest: true) } type User @auth { id: ID }', /on Query\.me cannot relax @auth on type User/],
  ])('allowGuest: true %s', (_name, sdl, message) => {
    expect(build(sdl)).toThrow(TypeError);
    expect(build(sdl)).toThrow(message);
  });

  it('rules that agree build (a guest-friendly field under a guest-friendly type)', () => {
    expect(build('type Query @auth(allowGuest: true) { a: String @auth(allowGuest: true) }')).not.toThrow();
  });

  it("a type's allowGuest: true is a default that a stricter rule narrows: a guest gets Query.health, not Query.me", async () => {
    const guestKit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, allowGuest: true });
    try {
      const schema = build('type Query @auth(allowGuest: true) { health: String me: User } type User @auth { id: ID }')();
      const auth = await guestKit.createAuthContext(new Request('http://127.0.0.1/graphql'));
      expect(auth.status).toBe('guest');
      const result = await execute({ schema, document: parse('{ health me { id } }'), rootValue: { health: 'ok', me: { id: 'u' } }, contextValue: { auth } });
      expect(result.data).toEqual({ health: 'ok', me: null });
      expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['me'], 'UNAUTHENTICATED']]);
    } finally {
      guestKit.close();
    }
  });
});
