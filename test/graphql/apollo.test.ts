import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, federationAuthDirectiveTypeDefs, createApolloAuthPlugin, createApolloContext, type DenyEvent, type LogtoAuthContext } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { buildSchema, gql, typeDefs, type Calls } from './harness.js';

// A real Apollo Server 5 (startStandaloneServer on 127.0.0.1) serving the harness schema that the Yoga tests use.
interface ApolloTestServer {
  url: string;
  calls: Calls;
  denials: DenyEvent[];
  close(): Promise<void>;
}

async function startApollo(kit: AuthKit): Promise<ApolloTestServer> {
  const calls: Calls = { me: 0, node: 0, policy: 0 };
  const denials: DenyEvent[] = [];
  const server = new ApolloServer<LogtoAuthContext>({ schema: buildSchema(calls), plugins: [createApolloAuthPlugin()] });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: createApolloContext(kit, { onDeny: (event) => denials.push(event) }),
  });
  return { url, calls, denials, close: () => server.stop() };
}

let issuer: TestIssuer;
let kit: AuthKit;
let apollo: ApolloTestServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  apollo = await startApollo(kit);
});
afterAll(async () => {
  await apollo.close();
  kit.close();
  await issuer.close();
});

describe('Apollo Server 5 with createApolloContext and createApolloAuthPlugin', () => {
  it('every root field refused without a token: 401, a bare Bearer challenge, UNAUTHENTICATED with http.status in the body', async () => {
    const before = apollo.calls.me;
    const { status, headers, body } = await gql(apollo.url, '{ me { id } secret }');
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(body.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'missing_token', http: { status: 401 } }),
      expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'missing_token', http: { status: 401 } }),
    ]);
    expect(apollo.calls.me).toBe(before);
  });

  it('a token without the scope: 403 insufficient_scope, FORBIDDEN with the missing scope', async () => {
    const { status, headers, body } = await gql(apollo.url, '{ secret }', { token: await issuer.mintToken() });
    expect(status).toBe(403);
    expect(headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="insufficient_scope", .*scope="read:posts"$/);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope', missingScopes: ['read:posts'], http: { status: 403 } });
  });

  it('some fields refused, some resolved: 200 with data, no challenge, the refused field still says 401', async () => {
    const { status, headers, body } = await gql(apollo.url, '{ health me { id } }');
    expect(status).toBe(200);
    expect(headers.get('www-authenticate')).toBeNull();
    expect(body.data).toEqual({ health: 'ok', me: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['me'], extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  });

  it('a signed-in caller with the scope reads the fields; a policy sees the arguments', async () => {
    const token = await issuer.mintToken({ sub: 'user-1', scope: 'read:posts' });
    const { status, body } = await gql(apollo.url, '{ secret me { id } owned(id: "user-1") }', { token });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { secret: 'the secret', me: { id: 'user-1' }, owned: 'owned user-1' } });
    const other = await gql(apollo.url, '{ owned(id: "user-2") }', { token });
    expect(other.status).toBe(403);
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'policy_denied' });
  });

  it('an expired token: 401 invalid_token', async () => {
    const token = await issuer.mintToken({}, { now: Date.now() - 7200_000 });
    const { status, headers, body } = await gql(apollo.url, '{ secret }', { token });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
  });

  it('reports each refused field to onDeny', async () => {
    const before = apollo.denials.length;
    await gql(apollo.url, '{ secret either }', { token: await issuer.mintToken({ scope: 'other' }) });
    expect(apollo.denials.slice(before).map((event) => [event.path, event.code])).toEqual([
      [['secret'], 'insufficient_scope'],
      [['either'], 'insufficient_scope'],
    ]);
  });

  it('an identity-provider outage: 503 SERVICE_UNAVAILABLE with Retry-After, never 401', async () => {
    const dead = createAuthKit({ issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:1/oidc/jwks', audience: issuer.audience, jwksTimeout: 500 });
    const down = await startApollo(dead);
    try {
      const { status, headers, body } = await gql(down.url, '{ secret }', { token: await issuer.mintToken({ scope: 'read:posts' }) });
      expect(status).toBe(503);
      expect(headers.get('www-authenticate')).toBeNull();
      expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'jwks_unavailable', http: { status: 503 } });
    } finally {
      await down.close();
      dead.close();
    }
  });

  it('refuses to start with a schema that uses @auth without authDirectiveTransformer', async () => {
    const schema = makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers: {} });
    const server = new ApolloServer<LogtoAuthContext>({ schema, plugins: [createApolloAuthPlugin()] });
    await expect(server.start()).rejects.toThrow(/not passed through authDirectiveTransformer/);
  });

  it('refuses a bad onDeny at construction', () => {
    // @ts-expect-error not a function
    expect(() => createApolloContext(kit, { onDeny: 'log' })).toThrow(/"onDeny" must be a function/);
  });
});

describe('Apollo Server 5 with Federation directives', () => {
  it('a schema written for Apollo Router (@authenticated, @requiresScopes) is enforced unchanged, with the same statuses', async () => {
    const schema = authDirectiveTransformer(
      makeExecutableSchema({
        typeDefs: [federationAuthDirectiveTypeDefs, 'type Query { health: String  me: String @authenticated  reports: String @requiresScopes(scopes: [["read:reports"], ["admin"]]) }'],
        resolvers: { Query: { health: () => 'ok', me: (_: unknown, __: unknown, ctx: LogtoAuthContext) => ctx.auth.userId, reports: () => 'reports' } },
      }),
    );
    const server = new ApolloServer<LogtoAuthContext>({ schema, plugins: [createApolloAuthPlugin()] });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' }, context: createApolloContext(kit) });
    try {
      const anonymous = await gql(url, '{ me }');
      expect([anonymous.status, anonymous.body.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
      const partial = await gql(url, '{ health reports }', { token: await issuer.mintToken({ scope: 'read:users' }) });
      expect([partial.status, partial.body.data]).toEqual([200, { health: 'ok', reports: null }]);
      const refused = await gql(url, '{ reports }', { token: await issuer.mintToken({ scope: 'read:users' }) });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toMatch(/scope="read:reports"$/);
      const admitted = await gql(url, '{ me reports }', { token: await issuer.mintToken({ sub: 'admin-1', scope: 'admin' }) });
      expect([admitted.status, admitted.body]).toEqual([200, { data: { me: 'admin-1', reports: 'reports' } }]);
    } finally {
      await server.stop();
    }
  });
});
