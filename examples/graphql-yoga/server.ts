/**
 * GraphQL Yoga + logto-authkit: `npx tsx examples/graphql-yoga/server.ts`.
 * Uses a local test issuer unless LOGTO_URL and LOGTO_AUDIENCE are set, and
 * then prints ready-made tokens. Subscriptions work over SSE and graphql-ws.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AuthContext } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, createGraphQLWSAuth, useLogtoAuth } from 'logto-authkit/graphql';
import { createDevKit } from '../shared/dev-kit.js';

const typeDefs = /* GraphQL */ `
  type Query {
    health: String!
    me: Me
  }
  type Me @auth {
    id: ID!
    scopes: [String!]!
  }
  type Post {
    id: ID!
    title: String!
    author: ID!
  }
  type Mutation {
    createPost(title: String!): Post! @auth(scope: "write:posts")
  }
`;

interface Context {
  auth: AuthContext;
}

const posts: { id: string; title: string; author: string }[] = [];
const resolvers = {
  Query: {
    health: () => 'ok',
    me: (_: unknown, __: unknown, { auth }: Context) => ({ id: auth.userId, scopes: auth.scopes }),
  },
  Mutation: {
    createPost: (_: unknown, { title }: { title: string }, { auth }: Context) => {
      const post = { id: String(posts.length + 1), title, author: auth.userId ?? '' };
      posts.push(post);
      return post;
    },
  },
};

const { kit, printTokens, closeOnSignal } = await createDevKit();

const schema = authDirectiveTransformer(createSchema({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers }));
const yoga = createYoga({ schema, plugins: [useLogtoAuth(kit)] });
const server = createServer(yoga);
useServer(createGraphQLWSAuth(kit, { yoga }), new WebSocketServer({ server, path: yoga.graphqlEndpoint }));

const port = Number(process.env.PORT ?? 4000);
server.listen(port, '127.0.0.1', async () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`GraphQL Yoga on http://127.0.0.1:${bound}${yoga.graphqlEndpoint}`);
  await printTokens();
});

closeOnSignal(server);
