/**
 * One HTTP server per process, for the load benchmarks:
 * `node --import tsx bench/http/server.ts <kind> <logtoUrl> <audience>`.
 * Sends `{ port }` to the parent over IPC once listening. Every kind answers
 * the same question, "who is calling?", at `GET /me` (Express, tRPC) or
 * `POST /graphql { me }` (Yoga).
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:http';
import { createYoga, createSchema, type Plugin } from 'graphql-yoga';
import { createRemoteJwksSigningKeyProvider, useJWT } from '@graphql-yoga/plugin-jwt';
import express, { type RequestHandler } from 'express';
import { auth as jwtBearer } from 'express-oauth2-jwt-bearer';
import { initTRPC, TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createAuthKit } from 'logto-authkit';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { useLogtoAuth } from 'logto-authkit/graphql';
import { SERVER_KINDS, type ServerKind } from './kinds.js';
import { createAuthProcedures, createTRPCContext } from 'logto-authkit/trpc';


const [kind, logtoUrl = '', audience = ''] = process.argv.slice(2);
const issuer = `${logtoUrl}/oidc`;
const jwksUri = `${issuer}/jwks`;
const kit = () => createAuthKit({ logtoUrl, audience });

function expressApp(guard: RequestHandler[], user: (req: express.Request) => unknown): Server {
  const app = express();
  app.get('/me', ...guard, (req, res) => {
    res.json({ user: user(req) });
  });
  return createServer(app);
}

function yogaServer(plugins: Plugin[], me: (context: Record<string, unknown>) => unknown): Server {
  const yoga = createYoga<Record<string, unknown>>({
    schema: createSchema<Record<string, unknown>>({ typeDefs: 'type Query { me: String }', resolvers: { Query: { me: (_root, _args, context) => me(context) } } }),
    plugins,
    logging: false,
    graphiql: false,
  });
  return createServer(yoga);
}

function trpcNone(): Server {
  const t = initTRPC.create();
  const router = t.router({ me: t.procedure.query(() => 'anonymous') });
  return createServer(createHTTPHandler({ router }));
}

function trpcAuthkit(): Server {
  const createContext = createTRPCContext(kit());
  const t = initTRPC.context<typeof createContext>().create();
  const { protectedProcedure } = createAuthProcedures(t);
  const router = t.router({ me: protectedProcedure.query(({ ctx }) => ctx.auth.userId) });
  return createServer(createHTTPHandler({ router, createContext }));
}

// What the tRPC docs suggest (Authorization → verify → ctx.user), with jose and a remote key set.
function trpcJose(): Server {
  const JWKS = createRemoteJWKSet(new URL(jwksUri));
  const createContext = async ({ req }: { req: IncomingMessage }) => {
    const token = req.headers.authorization?.split(' ')[1];
    if (!token) return { user: null };
    try {
      const { payload } = await jwtVerify(token, JWKS, { issuer, audience });
      return { user: payload };
    } catch {
      return { user: null };
    }
  };
  const t = initTRPC.context<typeof createContext>().create();
  const protectedProcedure = t.procedure.use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { user: ctx.user } });
  });
  const router = t.router({ me: protectedProcedure.query(({ ctx }) => ctx.user.sub) });
  return createServer(createHTTPHandler({ router, createContext }));
}

function build(name: string | undefined): Server {
  switch (name as ServerKind) {
    case 'express-none':
      return expressApp([], () => 'anonymous');
    case 'express-authkit':
      return expressApp([authMiddleware(kit()), requireAuth()], (req) => req.auth?.userId);
    case 'express-jwt-bearer':
      return expressApp([jwtBearer({ issuerBaseURL: issuer, audience, tokenSigningAlg: 'ES384' })], (req) => (req.auth as unknown as { payload: { sub?: string } }).payload.sub);
    case 'yoga-none':
      return yogaServer([], () => 'anonymous');
    case 'yoga-authkit':
      return yogaServer([useLogtoAuth(kit()) as Plugin], (context) => (context.auth as { userId: unknown }).userId);
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
      return trpcNone();
    case 'trpc-authkit':
      return trpcAuthkit();
    case 'trpc-jose':
      return trpcJose();
    default:
      throw new Error(`unknown server kind ${String(name)}; one of ${SERVER_KINDS.join(', ')}`);
  }
}

const server = build(kind);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
