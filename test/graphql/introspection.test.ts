import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { serveSchema, transports, type SchemaServer } from './transports.js';

// Relay-style `viewer: Query` and a mutation payload exposing `query: Query`: the root type is reachable below the root.
const typeDefs = /* GraphQL */ `
  type Query {
    health: String
    viewer: Query
    secretReport: String @auth(scope: "reports:read")
    paint(colour: Colour): String
  }
  enum Colour {
    ULTRAMARINE
  }
  type Mutation {
    ping: Payload
  }
  type Subscription {
    changes: Payload
  }
  type Payload {
    query: Query
  }
`;
const resolvers = {
  Query: { health: () => 'ok', viewer: () => ({}), secretReport: () => 'r', paint: () => 'painted' }, Mutation: { ping: () => ({ query: {} }) },
  Subscription: {
    changes: {
      async *subscribe() {
        yield { changes: { query: {} } };
      },
    },
  },
};
const schema = () => authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers }));

let issuer: TestIssuer;
let kit: AuthKit;
let gated: SchemaServer;
let open: SchemaServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  gated = await serveSchema(kit, schema(), { introspection: 'authenticated' });
  open = await serveSchema(kit, schema());
});
afterAll(async () => {
  await gated.close();
  await open.close();
  kit.close();
  await issuer.close();
});

const disguised = [
  ['under a field returning the root type', '{ viewer { __schema { types { name } } } }'],
  ['two levels down', '{ viewer { viewer { __type(name: "Query") { fields { name } } } } }'],
  ['in a nested fragment', '{ ...A } fragment A on Query { viewer { ...B } } fragment B on Query { __schema { queryType { name } } }'],
  ['in an inline fragment', '{ viewer { ... on Query { __type(name: "Mutation") { name } } } }'],
  ['in a mutation payload', 'mutation { ping { query { __schema { mutationType { name } } } } }'],
] as const;
const inSubscription = 'subscription { changes { query { __schema { subscriptionType { name } } } } }';

describe.each(transports)("introspection: 'authenticated' (%s)", (transport) => {
  it.each(disguised)('refuses an anonymous caller __schema/__type %s', async (_name, query) => {
    const result = await gated.run(transport, query);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(result)).not.toMatch(/secretReport|"Mutation"|"Query"/);
  });

  it('answers the same queries for a signed-in caller', async () => {
    const token = await issuer.mintToken();
    for (const [, query] of disguised) {
      const result = await gated.run(transport, query, token);
      expect(result.errors).toBeUndefined();
      expect(result.data).toBeTruthy();
    }
  });

  it('strips "Did you mean" suggestions from validation errors for a caller who may not introspect', async () => {
    const result = await gated.run(transport, '{ secretRepor }');
    expect(result.errors?.map((e) => e.message)).toEqual(['Cannot query field "secretRepor" on type "Query".']);
  });

  it('strips them from variable coercion errors too, which graphql-js reports at execution', async () => {
    const result = await gated.run(transport, 'query Paint($c: Colour) { paint(colour: $c) }', undefined, { c: 'ULTRAMARIN' });
    expect(result.errors?.map((e) => e.message)).toEqual(['Variable "$c" got invalid value "ULTRAMARIN"; Value "ULTRAMARIN" does not exist in "Colour" enum.']);
    const signedIn = await gated.run(transport, 'query Paint($c: Colour) { paint(colour: $c) }', await issuer.mintToken(), { c: 'ULTRAMARIN' });
    expect(signedIn.errors?.[0]?.message).toContain('Did you mean the enum value "ULTRAMARINE"?');
  });
});

// Subscriptions travel over SSE and graphql-ws only.
describe.each(['sse', 'ws'] as const)("introspection: 'authenticated', subscriptions (%s)", (transport) => {
  it('refuses an anonymous caller __schema in a subscription event, and streams it to a signed-in one', async () => {
    const refused = await gated.run(transport, inSubscription);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const admitted = await gated.run(transport, inSubscription, await issuer.mintToken());
    expect(admitted).toEqual({ data: { changes: { query: { __schema: { subscriptionType: { name: 'Subscription' } } } } } });
  });
});

describe.each(transports)("introspection: 'public' (%s)", (transport) => {
  it('keeps suggestions: anyone may read the schema anyway', async () => {
    const result = await open.run(transport, '{ secretRepor }');
    expect(result.errors?.[0]?.message).toBe('Cannot query field "secretRepor" on type "Query". Did you mean "secretReport"?');
  });
});
