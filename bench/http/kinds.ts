/** Every server the load benchmark starts (see `server.ts`), grouped by framework. */
export const SERVER_KINDS = ['express-none', 'express-authkit', 'express-jwt-bearer', 'yoga-none', 'yoga-authkit', 'yoga-jwt-plugin', 'trpc-none', 'trpc-authkit', 'trpc-jose'] as const;

/** One server of {@link SERVER_KINDS}. */
export type ServerKind = (typeof SERVER_KINDS)[number];
