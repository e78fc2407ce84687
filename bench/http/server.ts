/**
 * One server per process, for the load benchmarks:
 * `node --import tsx bench/http/server.ts <kind> <logtoUrl> <audience>`.
 * Sends `{ port }` to the parent over IPC once listening. Every HTTP kind
 * answers the same question, "who is calling?", at `GET /me` (`POST /graphql
 * { me }` for Yoga) with the caller's `sub` (`anonymous` without auth); the
 * WebSocket kinds answer the tRPC query `me` over `applyWSSHandler`.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:http';
import { createYoga, createSchema, type Plugin } from 'graphql-yoga';
import { createRemoteJwksSigningKeyProvider, useJWT } from '@graphql-yoga/plugin-jwt';
import express, { type RequestHandler } from 'express';
import { auth as jwtBearer } from 'express-oauth2-jwt-bearer';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Hono, type MiddlewareHandler } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import { initTRPC, TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { createAuthKit } from 'logto-authkit';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { logtoAuthPlugin, requireAuth as fastifyRequireAuth } from 'logto-authkit/fastify';
import { logtoAuth, requireAuth as honoRequireAuth, type LogtoAuthEnv } from 'logto-authkit/hono';
import { authDirectiveTransformer, authDirectiveTypeDefs, useLogtoAuth } from 'logto-authkit/graphql';
import { createAuthProcedures, createTRPCContext } from 'logto-authkit/trpc';
import { SERVER_KINDS, WS_KINDS, type ServerKind, type WSKind } from './kinds.js';

const [kind, logtoUrl = '', audience = ''] = process.argv.slice(2);
const issuer = `${logtoUrl}/oidc`;
const jwksUri = `${issuer}/jwks`;
// The options a user writes; nothing tuned for the benchmark.
const kit = () => createAuthKit({ logtoUrl, audience });

/** The peers' verification: jose with a remote key set, as the frameworks' docs show it. */
function joseVerifier(): (authorization: string | undefined) => Promise<JWTPayload | undefined> {
  const JWKS = createRemoteJWKSet(new URL(jwksUri));
  return async (authorization) => {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (!token) return undefined;
    try {
      return (await jwtVerify(token, JWKS, { issuer, audience })).payload;
    } catch {
      return undefined;
    }
  };
}

function expressApp(guard: RequestHandler[], user: (req: express.Request) => unknown): Server {
  const app = express();
  app.get('/me', ...guard, (req, res) => {
    res.json({ user: user(req) });
  });
  // express-oauth2-jwt-bearer refuses by calling next(error): answer its status and challenge without logging a stack.
  app.use(((error, _req, res, _next) => {
    const { status = 500, headers = {} } = error as { status?: number; headers?: Record<string, string> };
    res.status(status).set(headers).json({ error: status === 401 ? 'unauthorized' : 'error' });
  }) as express.ErrorRequestHandler);
  return createServer(app);
}

async function fastifyApp(variant: 'none' | 'authkit' | 'jose'): Promise<Server> {
  const app = Fastify();
  if (variant === 'authkit') {
    await app.register(logtoAuthPlugin, { kit: kit() });
    app.get('/me', { preHandler: fastifyRequireAuth() }, async (request) => ({ user: request.auth?.userId }));
  } else if (variant === 'jose') {
    const verify = joseVerifier();
    const users = new WeakMap<FastifyRequest, JWTPayload>();
    const guard = async (request: FastifyRequest, reply: FastifyReply) => {
      const payload = await verify(request.headers.authorization);
      if (!payload) return reply.code(401).send({ error: 'unauthorized' });
      users.set(request, payload);
      return undefined;
    };
    app.get('/me', { preHandler: guard }, async (request) => ({ user: users.get(request)?.sub }));
  } else {
    app.get('/me', async () => ({ user: 'anonymous' }));
  }
  await app.ready();
  return app.server;
}

function honoApp(variant: 'none' | 'authkit' | 'jose'): Server {
  if (variant === 'authkit') {
    const app = new Hono<LogtoAuthEnv>();
    app.use(logtoAuth(kit()));
    app.get('/me', honoRequireAuth(), (c) => c.json({ user: c.var.auth.userId }));
    return createAdaptorServer({ fetch: app.fetch }) as Server;
  }
  if (variant === 'jose') {
    const verify = joseVerifier();
    const app = new Hono<{ Variables: { user: JWTPayload } }>();
    const guard: MiddlewareHandler<{ Variables: { user: JWTPayload } }> = async (c, next) => {
      const payload = await verify(c.req.header('authorization'));
      if (!payload) return c.json({ error: 'unauthorized' }, 401);
      c.set('user', payload);
      await next();
      return undefined;
    };
    app.get('/me', guard, (c) => c.json({ user: c.var.user.sub }));
    return createAdaptorServer({ fetch: app.fetch }) as Server;
  }
  const app = new Hono();
  app.get('/me', (c) => c.json({ user: 'anonymous' }));
  return createAdaptorServer({ fetch: app.fetch }) as Server;
}

function yogaServer(plugins: Plugin[], me: (context: Record<string, unknown>) => unknown, authkit = false): Server {
  const resolvers = { Query: { me: (_root: unknown, _args: unknown, context: Record<string, unknown>) => me(context) } };
  // authkit's way to guard a field: `@auth` through authDirectiveTransformer (a refusal then answers 401).
  const schema = authkit
    ? authDirectiveTransformer(createSchema<Record<string, unknown>>({ typeDefs: [authDirectiveTypeDefs, 'type Query { me: String @auth }'], resolvers }))
    : createSchema<Record<string, unknown>>({ typeDefs: 'type Query { me: String }', resolvers });
  const yoga = createYoga<Record<string, unknown>>({
    schema,
    plugins,
    logging: false,
    graphiql: false,
  });
  return createServer(yoga);
}

function trpcNone() {
  const t = initTRPC.create();
  return t.router({ me: t.procedure.query(() => 'anonymous') });
}

function trpcAuthkit() {
  const createContext = createTRPCContext(kit());
  const t = initTRPC.context<typeof createContext>().create();
  const { protectedProcedure } = createAuthProcedures(t);
  return { router: t.router({ me: protectedProcedure.query(({ ctx }) => ctx.auth.userId) }), createContext };
}

// The connection's token verified once, when the socket's context is built; no check per call.
function trpcConnectOnly() {
  const createContext = createTRPCContext(kit());
  const t = initTRPC.context<typeof createContext>().create();
  const me = t.procedure.query(({ ctx }) => {
    if (ctx.auth.status !== 'authenticated') throw new TRPCError({ code: 'UNAUTHORIZED' });
    return ctx.auth.userId;
  });
  return { router: t.router({ me }), createContext };
}

// What the tRPC docs suggest (Authorization → verify → ctx.user), with jose and a remote key set.
function trpcJose(): Server {
  const verify = joseVerifier();
  const createContext = async ({ req }: { req: IncomingMessage }) => ({ user: (await verify(req.headers.authorization)) ?? null });
  const t = initTRPC.context<typeof createContext>().create();
  const protectedProcedure = t.procedure.use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { user: ctx.user } });
  });
  const router = t.router({ me: protectedProcedure.query(({ ctx }) => ctx.user.sub) });
  return createServer(createHTTPHandler({ router, createContext }));
}

function wsServer(name: WSKind): Server {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  if (name === 'trpc-ws-none') applyWSSHandler({ wss, router: trpcNone() });
  else applyWSSHandler({ wss, ...(name === 'trpc-ws-authkit' ? trpcAuthkit() : trpcConnectOnly()) });
  return server;
}

async function build(name: string | undefined): Promise<Server> {
  if ((WS_KINDS as readonly string[]).includes(name ?? '')) return wsServer(name as WSKind);
  switch (name as ServerKind) {
    case 'express-none':
      return expressApp([], () => 'anonymous');
    case 'express-authkit':
      return expressApp([authMiddleware(kit()), requireAuth()], (req) => req.auth?.userId);
    case 'express-authkit-one-layer':
      return expressApp([authMiddleware(kit(), {})], (req) => req.auth?.userId);
    case 'express-jwt-bearer':
      return expressApp([jwtBearer({ issuerBaseURL: issuer, audience, tokenSigningAlg: 'ES384' })], (req) => (req.auth as unknown as { payload: { sub?: string } }).payload.sub);
    case 'fastify-none':
      return fastifyApp('none');
    case 'fastify-authkit':
      return fastifyApp('authkit');
    case 'fastify-jose':
      return fastifyApp('jose');
    case 'hono-none':
      return honoApp('none');
    case 'hono-authkit':
      return honoApp('authkit');
    case 'hono-jose':
      return honoApp('jose');
    case 'yoga-none':
      return yogaServer([], () => 'anonymous');
    case 'yoga-authkit':
      return yogaServer([useLogtoAuth(kit()) as Plugin], (context) => (context.auth as { userId: unknown }).userId, true);
    case 'yoga-jwt-plugin':
      return yogaServer(
        [
          useJWT({
            signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri })],
            tokenVerification: { issuer, audience, algorithms: ['ES384'] },
            reject: { missingToken: true, invalidToken: true },
            extendContext: true,
          }) as Plugin,
        ],
        (context) => (context.jwt as { payload: { sub: unknown } }).payload.sub,
      );
    case 'trpc-none':
      return createServer(createHTTPHandler({ router: trpcNone() }));
    case 'trpc-authkit':
      return createServer(createHTTPHandler(trpcAuthkit()));
    case 'trpc-jose':
      return trpcJose();
    default:
      throw new Error(`unknown server kind ${String(name)}; one of ${[...SERVER_KINDS, ...WS_KINDS].join(', ')}`);
  }
}

const server = await build(kind);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
// SIGINT ends the process normally, so that `--cpu-prof` (BENCH_SERVER_ARGS) writes its profile.
process.on('SIGINT', () => process.exit(0));
// The parent's CPU probe: this process's CPU time so far, µs (server CPU per request, immune to the load generator's share).
process.on('message', (message) => {
  if (message !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  process.send?.({ cpu: user + system });
});
