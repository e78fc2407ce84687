/**
 * A tRPC API protected by Logto: `npx tsx examples/trpc/server.ts`.
 * With LOGTO_URL and LOGTO_AUDIENCE it verifies your tenant's tokens; without
 * them it starts a local test issuer and prints tokens to try with curl.
 */
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import type { AddressInfo } from 'node:net';
import { authResponseMeta, createAuthProcedures, createTRPCContext } from 'logto-authkit/trpc';
import { z } from 'zod';
import { createDevKit } from '../shared/dev-kit.js';

const { kit, printTokens, closeOnSignal } = await createDevKit();

const createContext = createTRPCContext(kit);
const t = initTRPC.context<typeof createContext>().create();
const { protectedProcedure, scopedProcedure } = createAuthProcedures(t);

const appRouter = t.router({
  health: t.procedure.query(() => ({ ok: true })),
  me: protectedProcedure.query(({ ctx }) => ({ userId: ctx.auth.userId, scopes: ctx.auth.scopes })),
  createPost: scopedProcedure('write:posts')
    .input(z.object({ title: z.string() }))
    .mutation(({ ctx, input }) => ({ created: input.title, by: ctx.auth.userId })),
});
export type AppRouter = typeof appRouter;

// authResponseMeta: 401/403/503 and WWW-Authenticate on the HTTP response.
const server = createHTTPServer({ router: appRouter, createContext, responseMeta: authResponseMeta });
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`tRPC API on http://127.0.0.1:${port}`);
  void printTokens();
});
closeOnSignal(server);
