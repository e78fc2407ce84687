/**
 * Every server the load benchmark starts (see `server.ts`), grouped by framework: none, authkit,
 * the peer, then other authkit forms of the same route (see {@link EXTRA_ROWS}).
 */
export const FRAMEWORKS = {
  express: ['express-none', 'express-authkit', 'express-jwt-bearer', 'express-authkit-one-layer'],
  fastify: ['fastify-none', 'fastify-authkit', 'fastify-jose'],
  hono: ['hono-none', 'hono-authkit', 'hono-jose'],
  yoga: ['yoga-none', 'yoga-authkit', 'yoga-jwt-plugin'],
  trpc: ['trpc-none', 'trpc-authkit', 'trpc-jose'],
} as const;

/** The HTTP servers, driven by autocannon. */
export const SERVER_KINDS = Object.values(FRAMEWORKS).flat();

/** The tRPC WebSocket servers, driven by `@trpc/client`'s `wsLink`. */
export const WS_KINDS = ['trpc-ws-none', 'trpc-ws-connect', 'trpc-ws-authkit'] as const;

/** One HTTP server of {@link SERVER_KINDS}. */
export type ServerKind = (typeof SERVER_KINDS)[number];

/** One WebSocket server of {@link WS_KINDS}. */
export type WSKind = (typeof WS_KINDS)[number];

/** Whether `kind` checks tokens at all (the `-none` servers answer everyone). */
export const checksTokens = (kind: ServerKind | WSKind): boolean => !kind.endsWith('-none');
