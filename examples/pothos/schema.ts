/**
 * A code-first Pothos schema protected by logto-authkit: the scope-auth plugin's `authScopes`
 * come from `pothosAuthScopes(ctx.auth)`, refusals from `pothosUnauthorizedError`.
 */
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { definePolicy } from 'logto-authkit';
import type { LogtoAuthContext } from 'logto-authkit/graphql';
import { pothosAuthScopes, pothosUnauthorizedError, type LogtoAuthScopes } from 'logto-authkit/pothos';

interface Post {
  id: string;
  title: string;
  author: string;
}

/** Build the example schema over its own in-memory posts. */
export function createPothosSchema() {
  const posts: Post[] = [];
  const isAuthor = definePolicy('isAuthor', (auth, _ctx: LogtoAuthContext, args: { id: string }) => posts.find((post) => post.id === args.id)?.author === auth.userId);
  const builder = new SchemaBuilder<{ Context: LogtoAuthContext; AuthScopes: LogtoAuthScopes }>({
    plugins: [ScopeAuthPlugin],
    scopeAuth: { authScopes: (ctx) => pothosAuthScopes(ctx.auth, ctx), unauthorizedError: pothosUnauthorizedError },
  });
  const PostType = builder.objectRef<Post>('Post').implement({
    fields: (t) => ({ id: t.exposeID('id'), title: t.exposeString('title'), author: t.exposeID('author') }),
  });
  builder.queryType({
    fields: (t) => ({
      health: t.string({ resolve: () => 'ok' }),
      me: t.id({ nullable: true, authScopes: { authenticated: true }, resolve: (_root, _args, { auth }) => auth.userId }),
      posts: t.field({ type: [PostType], nullable: true, authScopes: { scope: 'read:posts' }, resolve: () => posts }),
    }),
  });
  builder.mutationType({
    fields: (t) => ({
      createPost: t.field({
        type: PostType,
        nullable: true,
        args: { title: t.arg.string({ required: true }) },
        authScopes: { scope: 'write:posts' },
        resolve: (_root, { title }, { auth }) => {
          const post = { id: String(posts.length + 1), title, author: auth.userId ?? '' };
          posts.push(post);
          return post;
        },
      }),
      deletePost: t.boolean({
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        // Scopes AND a policy that reads the arguments: `$all`, since a Pothos scope map passes on any by default.
        authScopes: (_root, args) => ({ $all: { scope: 'write:posts', policy: { policy: isAuthor, args: { id: String(args.id) } } } }),
        resolve: (_root, args) => {
          const index = posts.findIndex((post) => post.id === String(args.id));
          return index >= 0 && posts.splice(index, 1).length === 1;
        },
      }),
    }),
  });
  return builder.toSchema();
}
