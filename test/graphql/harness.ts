import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createAuthKit, definePolicy, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { authDirectiveTransformer, authDirectiveTypeDefs, createGraphQLWSAuth, useLogtoAuth, type DenyEvent, type LogtoAuthPluginOptions } from 'logto-authkit/graphql';

// A schema exercising every @auth form; `calls` counts resolver runs so tests can prove a refused resolver never ran.
export const typeDefs = /* GraphQL */ `
  type Query {
    health: String!
    me: User
    secret: String @auth(scope: "read:posts")
    either: String @auth(anyScopes: ["admin", "write:posts"])
    requiredSecret: String! @auth
    owned(id: ID!): String @auth(policy: "isOwner")
    orgData(orgId: ID!): String @auth(organizationArg: "orgId")
    node: Node
    post: Post
    crash: String
  }
  type User @auth {
    id: ID!
    email: String @auth(scope: "read:email")
  }
  interface Node @auth {
    id: ID!
    note: String
  }
  type Post implements Node {
    id: ID!
    note: String
    title: String
  }
  type Mutation {
    createPost(title: String!): Post @auth(scope: "write:posts")
  }
  type Subscription {
    ticks: Int @auth
    adminTicks: Int @auth(scope: "admin")
  }
`;

export interface Calls {
  me: number;
  node: number;
  policy: number;
}

async function* ticks(): AsyncGenerator<number> {
  for (let i = 0; i < 1000; i++) {
    yield i;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function buildSchema(calls: Calls) {
  const isOwner = definePolicy('isOwner', (auth, _ctx, args: { id?: string }) => {
    calls.policy++;
    return auth.userId === args.id;
  });
  const resolvers = {
    Query: {
      health: () => 'ok',
      me: (_: unknown, __: unknown, ctx: { auth: { userId: string | null } }) => {
        calls.me++;
        return { id: ctx.auth.userId, email: 'me@example.test' };
      },
      secret: () => 'the secret',
      either: () => 'either',
      requiredSecret: () => 'required',
      owned: (_: unknown, args: { id: string }) => `owned ${args.id}`,
      orgData: (_: unknown, args: { orgId: string }) => `data of ${args.orgId}`,
      node: () => {
        calls.node++;
        return { __typename: 'Post', id: 'n1', note: 'node note', title: 'node title' };
      },
      post: () => ({ id: 'p1', note: 'post note', title: 'post title' }),
      crash: () => {
        throw new Error('database password is hunter2');
      },
    },
    Node: { __resolveType: () => 'Post' },
    Mutation: { createPost: (_: unknown, args: { title: string }) => ({ id: 'new', title: args.title, note: null }) },
    Subscription: {
      ticks: { subscribe: ticks, resolve: (n: number) => n },
      adminTicks: { subscribe: ticks, resolve: (n: number) => n },
    },
  };
  return authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers }), { policies: [isOwner] });
}

export interface TestServer {
  url: string;
  wsUrl: string;
  calls: Calls;
  denials: DenyEvent[];
  close(): Promise<void>;
}

/** Yoga on node:http 127.0.0.1:0, with graphql-ws on the same port. */
export async function startYogaServer(kit: AuthKit, options: LogtoAuthPluginOptions = {}): Promise<TestServer> {
  const calls: Calls = { me: 0, node: 0, policy: 0 };
  const denials: DenyEvent[] = [];
  const yoga = createYoga({
    schema: buildSchema(calls),
    logging: false,
    plugins: [useLogtoAuth(kit, { onDeny: (event) => denials.push(event), ...options })],
  });
  const server = createServer(yoga);
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(createGraphQLWSAuth(kit, { yoga }), wss);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    calls,
    denials,
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

/** POST a GraphQL operation, optionally with a Bearer token. */
export async function gql(url: string, query: string, { token, variables }: { token?: string; variables?: Record<string, unknown> } = {}): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

/** A test issuer, a kit for it and a Yoga server: what most GraphQL test files start with. */
export interface YogaSuite {
  issuer: TestIssuer;
  kit: AuthKit;
  server: TestServer;
  close(): Promise<void>;
}

/** Start a {@link YogaSuite}; `close()` stops all three. */
export async function startYogaSuite(): Promise<YogaSuite> {
  const issuer = await createTestIssuer();
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  const server = await startYogaServer(kit);
  return {
    issuer,
    kit,
    server,
    async close() {
      await server.close();
      kit.close();
      await issuer.close();
    },
  };
}
