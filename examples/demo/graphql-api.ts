/**
 * The demo's GraphQL API (Yoga): a public `whoami`, `posts` behind
 * `@auth(scope: "read:posts")` and `createPost` behind `@auth(scope: "write:posts")`.
 */
import { createSchema, createYoga } from 'graphql-yoga';
import type { AuthContext, AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, useLogtoAuth } from 'logto-authkit/graphql';
import { whoami, type createPostStore } from './posts.js';

const typeDefs = /* GraphQL */ `
  type WhoAmI {
    status: String!
    userId: ID
    scopes: [String!]!
    guestId: ID
    isMachine: Boolean!
    expiresAt: String
  }
  type Post {
    id: ID!
    title: String!
    author: ID!
  }
  type Query {
    "Who is calling; guests get an answer too."
    whoami: WhoAmI!
    posts: [Post!]! @auth(scope: "read:posts")
  }
  type Mutation {
    createPost(title: String!): Post! @auth(scope: "write:posts")
  }
`;

interface Context {
  auth: AuthContext;
}

/**
 * The demo's Yoga instance, served at `/graphql`. GraphiQL is off: it loads
 * its assets from a CDN, and the demo talks to nothing but loopback.
 *
 * @example
 * ```ts
 * const yoga = createDemoYoga(kit, createPostStore())
 * createServer(yoga).listen(4000)
 * ```
 */
export function createDemoYoga(kit: AuthKit, posts: ReturnType<typeof createPostStore>) {
  const resolvers = {
    Query: {
      whoami: (_: unknown, __: unknown, { auth }: Context) => whoami(auth),
      posts: () => posts.list(),
    },
    Mutation: {
      createPost: (_: unknown, { title }: { title: string }, { auth }: Context) => posts.add(title, auth.userId ?? ''),
    },
  };
  const schema = authDirectiveTransformer(createSchema<Context>({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers }));
  return createYoga({ schema, plugins: [useLogtoAuth(kit)], graphiql: false, landingPage: false, logging: false });
}
