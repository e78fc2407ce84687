import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { createSchema, createYoga } from 'graphql-yoga';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, useLogtoAuth } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { serveSchema, transports } from './transports.js';

const typeDefs = [authDirectiveTypeDefs, 'type Query { health: String secret: String @auth(scope: "read:secret") }'];
const resolvers = { Query: { health: () => 'ok', secret: () => 'the secret' } };

let issuer: TestIssuer;
let kit: AuthKit;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
});
afterAll(async () => {
  kit.close();
  await issuer.close();
});

const serve = (schema: Parameters<typeof createYoga>[0]['schema']) => createYoga({ schema, logging: false, plugins: [useLogtoAuth(kit)] });

describe('useLogtoAuth refuses a schema whose @auth nobody enforces', () => {
  it("fails at createYoga for Yoga's createSchema without authDirectiveTransformer", () => {
    expect(() => serve(createSchema({ typeDefs, resolvers }))).toThrow(/uses @auth but was not passed through authDirectiveTransformer/);
  });

  it('fails at createYoga for makeExecutableSchema without authDirectiveTransformer', () => {
    expect(() => serve(makeExecutableSchema({ typeDefs, resolvers }))).toThrow(/authDirectiveTransformer/);
  });

  it('fails a request, without serving the field, when a schema factory returns an untransformed schema', async () => {
    const server = createServer(serve(() => makeExecutableSchema({ typeDefs, resolvers })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ secret }' }) });
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('the secret');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.each([
    ['an object of arguments', { auth: { scope: 'read:secret' } }],
    ['a list of directives', [{ name: 'auth', args: { scope: 'read:secret' } }]],
  ])('fails at createYoga for a code-first schema whose extensions carry @auth as %s', (_shape, directives) => {
    const query = new GraphQLObjectType({ name: 'Query', fields: { secret: { type: GraphQLString, extensions: { directives } } } });
    expect(() => serve(new GraphQLSchema({ query }))).toThrow(/authDirectiveTransformer/);
  });

  it('serves a schema without @auth, untransformed', () => {
    expect(() => serve(createSchema({ typeDefs: 'type Query { health: String }', resolvers: { Query: { health: () => 'ok' } } }))).not.toThrow();
  });
});

describe.each(transports)('a transformed schema keeps its mark through later schema passes (%s)', (transport) => {
  it('serves it and still enforces @auth', async () => {
    const transformed = authDirectiveTransformer(makeExecutableSchema({ typeDefs, resolvers }));
    // Another library's transformer, applied after ours, rebuilds the schema.
    const rebuilt = mapSchema(transformed, { [MapperKind.OBJECT_TYPE]: (type) => type });
    const server = await serveSchema(kit, rebuilt);
    try {
      expect(await server.run(transport, '{ health secret }')).toMatchObject({ data: { health: 'ok', secret: null }, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      expect(await server.run(transport, '{ secret }', await issuer.mintToken({ scope: 'read:secret' }))).toEqual({ data: { secret: 'the secret' } });
    } finally {
      await server.close();
    }
  });
});
