/**
 * The demo's tRPC API: a public `whoami`, `posts` (needs `read:posts`) and
 * `createPost` (needs `write:posts`), mounted under `/trpc` on the demo server.
 */
import type { RequestListener } from 'node:http';
import { initTRPC } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { AuthKit } from 'logto-authkit';
import { authResponseMeta, createAuthProcedures, createTRPCContext } from 'logto-authkit/trpc';
import { whoami, type createPostStore } from './posts.js';

type PostStore = ReturnType<typeof createPostStore>;

function buildRouter(kit: AuthKit, posts: PostStore) {
  const createContext = createTRPCContext(kit);
  // isDev off: error answers carry no server stack traces.
  const t = initTRPC.context<typeof createContext>().create({ isDev: false });
  const { guestProcedure, scopedProcedure } = createAuthProcedures(t);
  const router = t.router({
    // Guests get 200 with their guest id: the signed-out page then logs no 4xx.
    whoami: guestProcedure.query(({ ctx }) => whoami(ctx.auth)),
    posts: scopedProcedure('read:posts').query(() => posts.list()),
    createPost: scopedProcedure('write:posts')
      .input((raw: unknown) => {
        const title = typeof raw === 'object' && raw !== null ? (raw as { title?: unknown }).title : undefined;
        if (typeof title !== 'string' || title.length === 0 || title.length > 200) throw new TypeError('title must be a string of 1 to 200 characters');
        return { title };
      })
      .mutation(({ ctx, input }) => posts.add(input.title, ctx.auth.userId)),
  });
  return { router, createContext };
}

/** The demo's tRPC router type, for the page's typed client. */
export type DemoRouter = ReturnType<typeof buildRouter>['router'];

/**
 * A `node:http` listener serving the demo router under `/trpc`, with auth
 * failures answered 401/403 and an RFC 6750 `WWW-Authenticate` header.
 *
 * @example
 * ```ts
 * const trpc = createDemoTRPCHandler(kit, createPostStore())
 * createServer((req, res) => req.url?.startsWith('/trpc/') ? trpc(req, res) : res.end())
 * ```
 */
export function createDemoTRPCHandler(kit: AuthKit, posts: PostStore): RequestListener {
  const { router, createContext } = buildRouter(kit, posts);
  return createHTTPHandler({ router, createContext, basePath: '/trpc/', responseMeta: authResponseMeta });
}
