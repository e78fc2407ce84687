// The app every runtime serves (test/runtimes/runtimes.test.ts): the published build (dist)
// behind one Fetch handler — the bare core, a Hono app, a GraphQL Yoga app with
// useLogtoAuth and @auth, and the back-channel logout receiver's Fetch form.
// Plain ESM with no Node built-ins, so workerd runs it bundled and unchanged.
import { Hono } from 'hono';
import { createSchema, createYoga } from 'graphql-yoga';
import { authErrorResponse, authorize, createAuthKit, createBackchannelLogoutHandler, createMemoryRevocationStore } from '../../dist/index.js';
import { logtoAuth, requireAuth } from '../../dist/hono/index.js';
import { authDirectiveTransformer, authDirectiveTypeDefs, useLogtoAuth } from '../../dist/graphql/index.js';

const typeDefs = /* GraphQL */ `
  ${authDirectiveTypeDefs}
  type Query {
    health: String!
    me: String @auth
    secret: String @auth(scope: "write:posts")
  }
`;
const resolvers = { Query: { health: () => 'ok', me: (_, __, ctx) => ctx.auth.userId, secret: (_, __, ctx) => `secret of ${ctx.auth.userId}` } };

/** One Fetch handler (and the Yoga instance, which node:http serves itself) for `{ LOGTO_URL, AUDIENCE, CLIENT_ID }`. */
export function createApp(env) {
  const kit = createAuthKit({ logtoUrl: env.LOGTO_URL, audience: env.AUDIENCE, revocation: createMemoryRevocationStore(), onWarning: () => {} });

  async function core(request) {
    const auth = await kit.createAuthContext(request);
    const refusal = auth.status === 'authenticated' ? authorize(auth, { scopes: ['write:posts'] }) : auth.error;
    if (refusal) {
      const { status, headers, body } = authErrorResponse(refusal);
      return new Response(JSON.stringify(body), { status, headers });
    }
    return Response.json({ userId: auth.userId });
  }

  const hono = new Hono().basePath('/hono');
  hono.use(logtoAuth(kit));
  hono.post('/posts', requireAuth({ scopes: ['write:posts'] }), (c) => c.json({ userId: c.var.auth.userId }));

  const schema = authDirectiveTransformer(createSchema({ typeDefs, resolvers }));
  const yoga = createYoga({ schema, plugins: [useLogtoAuth(kit)], graphqlEndpoint: '/graphql', logging: false });

  const logout = createBackchannelLogoutHandler({ kit, clientId: env.CLIENT_ID });

  async function fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/core') return core(request);
    if (pathname.startsWith('/hono/')) return hono.fetch(request);
    if (pathname === '/graphql') return yoga.fetch(request);
    if (pathname === '/logout') return logout(request);
    return new Response('not found', { status: 404 });
  }
  return { fetch, yoga, close: () => kit.close() };
}
