// Run by test/graphql/graphql17.test.ts with `node --preserve-symlinks` from a directory whose
// node_modules is the project's with `graphql` → graphql 17: the published build's GraphQL
// pieces (@auth and federation directives, useLogtoAuth on Yoga, error extensions) on graphql 17.
// Prints one JSON line; reads only its env.
import { createRequire } from 'node:module';
import * as graphql from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { createAuthKit, definePolicy } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, federationAuthDirectiveTypeDefs, findAuthGraphQLError, useLogtoAuth } from 'logto-authkit/graphql';
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { pothosAuthScopes, pothosUnauthorizedError } from 'logto-authkit/pothos';

const env = process.env;
const report = { version: graphql.version, resolved: {} };

// Where each GraphQL-using package finds `graphql` (all must name the one graphql 17 copy).
const here = createRequire(import.meta.url);
for (const name of ['graphql-yoga', '@graphql-tools/utils', '@graphql-tools/schema', '@graphql-tools/executor', '@envelop/core', '@pothos/core', 'logto-authkit/graphql', 'logto-authkit/pothos']) {
  const from = createRequire(fileOf(name));
  report.resolved[name] = { path: from.resolve('graphql'), version: from('graphql').version };
}
function fileOf(name) {
  return new URL(import.meta.resolve(name)).pathname;
}
report.resolved.probe = { path: here.resolve('graphql'), version: here('graphql').version };

const typeDefs = /* GraphQL */ `
  ${authDirectiveTypeDefs}
  ${federationAuthDirectiveTypeDefs}
  type Query {
    health: String!
    me: String @auth
    secret: String @auth(scope: "write:posts")
    fedMe: String @authenticated
    fedSecret: String @requiresScopes(scopes: [["admin"], ["write:posts"]])
    fedOwned: String @policy(policies: [["isUserOne"]])
  }
`;
const isUserOne = definePolicy('isUserOne', (auth) => auth.userId === 'user-1');
const user = (_, __, ctx) => ctx.auth.userId;
const resolvers = { Query: { health: () => 'ok', me: user, secret: user, fedMe: user, fedSecret: user, fedOwned: user } };
const schema = authDirectiveTransformer(createSchema({ typeDefs, resolvers }), { policies: [isUserOne] });
// Built by @graphql-tools, mapped by our build: one GraphQLSchema class, graphql 17's.
report.schemaIsGraphQL17 = schema instanceof graphql.GraphQLSchema;

const kit = createAuthKit({ logtoUrl: env.LOGTO_URL, audience: env.AUDIENCE, onWarning: () => {} });
const yoga = createYoga({ schema, plugins: [useLogtoAuth(kit)], logging: false });

// A code-first Pothos schema (scope-auth plugin) with the kit's auth scopes, on Yoga too.
const builder = new SchemaBuilder({
  plugins: [ScopeAuthPlugin],
  scopeAuth: { authScopes: (ctx) => pothosAuthScopes(ctx.auth, ctx), unauthorizedError: pothosUnauthorizedError },
});
builder.queryType({
  fields: (t) => ({
    health: t.string({ resolve: () => 'ok' }),
    me: t.string({ nullable: true, authScopes: { authenticated: true }, resolve: user }),
    posts: t.string({ nullable: true, authScopes: { scope: 'write:posts' }, resolve: user }),
  }),
});
const pothos = createYoga({ schema: builder.toSchema(), plugins: [useLogtoAuth(kit)], logging: false });

async function ask(query, token, server = yoga) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await server.fetch('http://127.0.0.1/graphql', { method: 'POST', headers, body: JSON.stringify({ query }) });
  return { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), body: await response.json() };
}

report.yoga = {
  PUBLIC: await ask('{ health }'),
  NONE: await ask('{ me fedMe }'),
  PARTIAL: await ask('{ health me }'),
  FORGED: await ask('{ me }', env.FORGED),
  GOOD: await ask('{ me secret fedMe fedSecret fedOwned }', env.GOOD),
  NO_SCOPE: await ask('{ secret }', env.NO_SCOPE),
  FED_NO_SCOPE: await ask('{ fedSecret }', env.NO_SCOPE),
  FED_POLICY: await ask('{ fedOwned }', env.NO_SCOPE),
};
report.pothos = {
  NONE: await ask('{ me }', undefined, pothos),
  GOOD: await ask('{ health me posts }', env.GOOD, pothos),
  NO_SCOPE: await ask('{ posts }', env.NO_SCOPE, pothos),
};

// graphql 17's own execute, without Yoga: the refusal is our error class, with its extensions.
const auth = await kit.createAuthContext(new Request('http://127.0.0.1/', { headers: { authorization: `Bearer ${env.NO_SCOPE}` } }));
const direct = await graphql.graphql({ schema, source: '{ health secret }', contextValue: { auth } });
const error = direct.errors?.[0];
report.direct = {
  data: direct.data,
  isGraphQLError: error instanceof graphql.GraphQLError,
  authCode: findAuthGraphQLError(error)?.authError.code,
  json: error?.toJSON(),
};
kit.close();
console.log(JSON.stringify(report));
