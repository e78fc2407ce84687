/**
 * The kit's own cost per request in each adapter, in process (no sockets, no load generator): µs per
 * request of the same framework app with and without authkit, cached token. Each figure is the
 * best of many short batches (wall clock, one thread), the batch least disturbed by other work on a
 * shared machine: a floor, steadier than any rate measured under load.
 * `TSX_TSCONFIG_PATH=bench/http/tsconfig.dist.json node --import tsx bench/profile/adapter-cost.mts`
 * (after `npm run build`: the dist users run) or without the variable (src through tsx).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express, { type RequestHandler } from 'express';
import { Hono } from 'hono';
import { createSchema, createYoga } from 'graphql-yoga';
import { initTRPC, TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createAuthKit } from 'logto-authkit';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { logtoAuth, requireAuth as honoRequireAuth, type LogtoAuthEnv } from 'logto-authkit/hono';
import { authDirectiveTransformer, authDirectiveTypeDefs, useLogtoAuth } from 'logto-authkit/graphql';
import { createAuthProcedures, createTRPCContext } from 'logto-authkit/trpc';
import { createTestIssuer } from '../../src/testing/index.js';
import { mintMany } from '../lib/tokens.js';

const issuer = await createTestIssuer();
const tokens = await mintMany(issuer, 100);
const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
for (const token of tokens) await kit.verifyToken(token);
const bearer = (i: number): string => `Bearer ${tokens[i % tokens.length]!}`;

/** Best µs per call over `batches` batches of `size` calls (each call awaited when it returns a promise). */
async function best(op: (i: number) => unknown, batches = 80, size = 100): Promise<number> {
  let min = Infinity;
  let i = 0;
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let j = 0; j < size; j++) {
      const r = op(i++);
      if (r instanceof Promise) await r;
    }
    min = Math.min(min, ((performance.now() - t0) * 1000) / size);
  }
  return min;
}

// Express: the kit's layers alone, on a request shaped as Express hands it (the framework's dispatch is not the kit's).
const twoLayers = [authMiddleware(kit), requireAuth()];
const oneLayer = [authMiddleware(kit, {})];
const expressReq = (i: number) => ({ headers: { host: '127.0.0.1', authorization: bearer(i) }, rawHeaders: ['Host', '127.0.0.1', 'Authorization', bearer(i)], method: 'GET', url: '/me', originalUrl: '/me', socket: {}, params: {} }) as never;
const res = { append() {}, status() { return this; }, set() { return this; }, send() {} } as never;
const runLayers = (layers: typeof twoLayers) => (i: number) =>
  new Promise<void>((resolve, reject) => {
    const req = expressReq(i);
    let at = 0;
    const next = (error?: unknown): void => {
      if (error) return reject(error);
      const layer = layers[at++];
      if (!layer) return resolve();
      void layer(req, res, next);
    };
    next();
  });
const bareExpress = (i: number) => new Promise<void>((resolve) => (expressReq(i), resolve()));

// Express: the whole app (router, layers, res.json) on Node's own request and response objects, no socket.
const expressApp = (guard: RequestHandler[]) => {
  const app = express();
  app.get('/me', ...guard, (req, res) => void res.json({ user: req.auth?.userId ?? 'anonymous' }));
  return app as unknown as { handle(req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void): void };
};
const expressRun = (app: ReturnType<typeof expressApp>) => (i: number) => {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/me';
  req.headers = { host: '127.0.0.1', authorization: bearer(i) };
  req.rawHeaders = ['Host', '127.0.0.1', 'Authorization', bearer(i)];
  const res = new ServerResponse(req);
  return new Promise<void>((resolve, reject) => {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => (resolve(), end(...args))) as never;
    app.handle(req, res, (error) => reject(error ?? new Error('no route answered')));
  });
};
const expressNone = expressRun(expressApp([]));

// Hono: app.fetch on a Fetch Request.
const honoNone = new Hono();
honoNone.get('/me', (c) => c.json({ user: 'anonymous' }));
const honoKit = new Hono<LogtoAuthEnv>();
honoKit.use(logtoAuth(kit));
honoKit.get('/me', honoRequireAuth(), (c) => c.json({ user: c.get('auth').userId }));
const honoReq = (i: number) => new Request('http://127.0.0.1/me', { headers: { authorization: bearer(i) } });

// Yoga: yoga.fetch, a guarded field.
const resolvers = { Query: { me: (_r: unknown, _a: unknown, ctx: Record<string, unknown>) => (ctx.auth as { userId?: string } | undefined)?.userId ?? 'anonymous' } };
const yogaNone = createYoga({ schema: createSchema({ typeDefs: 'type Query { me: String }', resolvers }), logging: false, graphiql: false });
const yogaKit = createYoga({
  schema: authDirectiveTransformer(createSchema({ typeDefs: [authDirectiveTypeDefs, 'type Query { me: String @auth }'], resolvers })),
  plugins: [useLogtoAuth(kit) as never],
  logging: false,
  graphiql: false,
});
const yogaReq = (i: number) => new Request('http://127.0.0.1/graphql', { method: 'POST', headers: { authorization: bearer(i), 'content-type': 'application/json' }, body: '{"query":"{ me }"}' });

// tRPC: the fetch adapter, a protected query.
const tNone = initTRPC.create();
const trpcNone = tNone.router({ me: tNone.procedure.query(() => 'anonymous') });
const createContext = createTRPCContext(kit);
const tKit = initTRPC.context<typeof createContext>().create();
const { protectedProcedure } = createAuthProcedures(tKit);
const trpcKit = tKit.router({ me: protectedProcedure.query(({ ctx }) => ctx.auth.userId) });
const trpcConnect = tKit.router({
  me: tKit.procedure.query(({ ctx }) => {
    if (ctx.auth.status !== 'authenticated') throw new TRPCError({ code: 'UNAUTHORIZED' });
    return ctx.auth.userId;
  }),
});
const trpcReq = (i: number) => new Request('http://127.0.0.1/trpc/me', { headers: { authorization: bearer(i) } });
// A WebSocket's context: built once at connect (an upgrade request), then every call re-verifies it.
const wsContext = await createContext({ req: { headers: { upgrade: 'websocket', host: '127.0.0.1' }, method: 'GET', url: '/' }, info: { connectionParams: { token: tokens[0] } } });
const wsCallerKit = tKit.createCallerFactory(trpcKit)(wsContext);
const wsCallerConnect = tKit.createCallerFactory(trpcConnect)(wsContext);

const rows: [string, (i: number) => unknown, (i: number) => unknown][] = [
  ['express app: authMiddleware + requireAuth', expressRun(expressApp([authMiddleware(kit), requireAuth()])), expressNone],
  ['express app: authMiddleware(kit, {})', expressRun(expressApp([authMiddleware(kit, {})])), expressNone],
  ['express: authMiddleware + requireAuth (kit layers only)', runLayers(twoLayers), bareExpress],
  ['express: authMiddleware(kit, {}) (kit layer only)', runLayers(oneLayer), bareExpress],
  ['hono: app.fetch', (i) => honoKit.fetch(honoReq(i)), (i) => honoNone.fetch(honoReq(i))],
  ['yoga: yoga.fetch', (i) => yogaKit.fetch(yogaReq(i)), (i) => yogaNone.fetch(yogaReq(i))],
  ['trpc: fetchRequestHandler', (i) => fetchRequestHandler({ endpoint: '/trpc', req: trpcReq(i), router: trpcKit, createContext }), (i) => fetchRequestHandler({ endpoint: '/trpc', req: trpcReq(i), router: trpcNone })],
  ['trpc ws: re-verified per call vs checked at connect (caller)', () => wsCallerKit.me(), () => wsCallerConnect.me()],
];
for (let pass = 0; pass < 2; pass++) {
  for (const [label, withKit, without] of rows) {
    // Interleaved, so drift on the machine hits both alike; the second pass is the one reported.
    const a = await best(withKit);
    const b = await best(without);
    if (pass === 1) console.log(`${label}: with the kit ${a.toFixed(2)} µs, without ${b.toFixed(2)} µs, the kit's share ${(a - b).toFixed(2)} µs per request`);
  }
}
kit.close();
await issuer.close();
