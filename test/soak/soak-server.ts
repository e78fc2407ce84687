/**
 * The server under soak: tRPC standalone with authkit, in its own process so its
 * heap can be measured after `gc()`:
 * `node --expose-gc --import tsx test/soak/soak-server.ts <logtoUrl> <audience>`.
 * Sends `{ port }` over IPC. `GET /__heap` answers the settled `heapUsed`.
 * Not a test file itself.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createAuthKit } from '../../src/core/kit.js';
import { authResponseMeta, createAuthProcedures, createTRPCContext } from '../../src/trpc/index.js';

const [logtoUrl = '', audience = ''] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const kit = createAuthKit({ logtoUrl, audience, allowGuest: true });
const createContext = createTRPCContext(kit);
const t = initTRPC.context<typeof createContext>().create();
const { protectedProcedure, guestProcedure } = createAuthProcedures(t);
const router = t.router({
  me: protectedProcedure.query(({ ctx }) => ctx.auth.userId),
  hello: guestProcedure.query(({ ctx }) => (ctx.auth.status === 'guest' ? ctx.auth.guestId : ctx.auth.userId)),
});
const trpc = createHTTPHandler({ router, createContext, responseMeta: authResponseMeta });

const server = createServer((req, res) => {
  if (req.url === '/__heap') {
    // Collect, let finalizers and closing sockets run, collect again: the settled heap.
    gc();
    setTimeout(() => {
      for (let i = 0; i < 3; i++) gc();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed }));
    }, 200);
    return;
  }
  trpc(req, res);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
