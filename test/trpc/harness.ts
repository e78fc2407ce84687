/**
 * A real tRPC app for the adapter tests: one router, served by the standalone
 * adapter (+ WebSocket) and by the fetch adapter behind node:http, on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { initTRPC, type AnyTRPCRouter } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { definePolicy, type AuthKit } from 'logto-authkit';
import { authResponseMeta, createAuthProcedures, createTRPCContext, requireAuth } from 'logto-authkit/trpc';

/** Builds the test router for `kit`; `policyCalls` counts runs of the `isOwner` rule. */
export function buildApp(kit: AuthKit) {
  const createContext = createTRPCContext(kit);
  const t = initTRPC.context<typeof createContext>().create();
  const { protectedProcedure, guestProcedure, scopedProcedure } = createAuthProcedures(t);
  const counters = { policyCalls: 0 };
  const isOwner = definePolicy('isOwner', (auth, _ctx, input: { id: string }) => {
    counters.policyCalls++;
    return auth.userId === input.id;
  });
  const router = t.router({
    health: t.procedure.query(({ ctx }) => ({ ok: true, status: ctx.auth.status })),
    me: protectedProcedure.query(({ ctx }) => ({ userId: ctx.auth.userId, scopes: ctx.auth.scopes })),
    createPost: scopedProcedure('write:posts').input(z.object({ title: z.string() })).mutation(({ input, ctx }) => ({ title: input.title, by: ctx.auth.userId })),
    anyScope: t.procedure.use(requireAuth({ anyScopes: ['admin', 'editor'] })).query(() => 'ok'),
    cart: guestProcedure.query(({ ctx }) => (ctx.auth.status === 'guest' ? { guestId: ctx.auth.guestId } : { userId: ctx.auth.userId })),
    owned: t.procedure.input(z.object({ id: z.string() })).use(requireAuth({ policy: isOwner })).query(({ input }) => input.id),
    ownedRaw: t.procedure.use(requireAuth({ policy: isOwner })).input(z.object({ id: z.string() })).query(({ input }) => input.id),
    ticks: protectedProcedure.subscription(async function* ({ ctx, signal }) {
      for (let i = 0; !signal?.aborted; i++) {
        yield { i, userId: ctx.auth.userId };
        await sleep(100, undefined, { signal }).catch(() => undefined);
      }
    }),
  });
  return { router, createContext, counters };
}

export type AppRouter = ReturnType<typeof buildApp>['router'];

export interface RunningServer {
  url: string;
  wsUrl: string;
  /** WebSocket connections accepted so far. */
  connections: () => number;
  close(): Promise<void>;
}

const address = (server: Server): string => `127.0.0.1:${(server.address() as AddressInfo).port}`;

async function listen(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The standalone adapter (node:http) with a WebSocket server on the same port. */
export async function startStandalone(router: AnyTRPCRouter, createContext: ReturnType<typeof createTRPCContext>): Promise<RunningServer> {
  const server = createHTTPServer({ router, createContext, responseMeta: authResponseMeta });
  const wss = new WebSocketServer({ server });
  let connections = 0;
  wss.on('connection', () => connections++);
  const handler = applyWSSHandler({ wss, router, createContext });
  await listen(server);
  return {
    url: `http://${address(server)}`,
    wsUrl: `ws://${address(server)}`,
    connections: () => connections,
    async close() {
      handler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await shut(server);
    },
  };
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks);
  return new Request(new URL(req.url ?? '/', origin), { method: req.method, headers, body });
}

/** The fetch adapter behind a small node:http → Fetch bridge. */
export async function startFetch(router: AnyTRPCRouter, createContext: ReturnType<typeof createTRPCContext>): Promise<RunningServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const response = await fetchRequestHandler({ endpoint: '', req: await toRequest(req, `http://${address(server)}`), router, createContext, responseMeta: authResponseMeta });
      res.writeHead(response.status, [...response.headers].flat());
      const reader = response.body?.getReader();
      if (reader) for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) res.write(chunk.value);
      res.end();
    })().catch(() => res.destroy());
  });
  await listen(server);
  return { url: `http://${address(server)}`, wsUrl: '', connections: () => 0, close: () => shut(server) };
}
