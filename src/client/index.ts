export { createAuthFetch, type AuthFetchOptions, type FetchFunction, type RetryUnavailableOptions } from './auth-fetch.js';
export { bearerError } from './www-authenticate.js';
export type { AccessTokenGetter, TokenSource } from './types.js';
export { createGraphQLWSClientAuth, type GraphQLWSClientAuth, type GraphQLWSClientLike, type GraphQLWSResult, type GraphQLWSSink } from './graphql-ws.js';
export { CLOSE_BAD_REQUEST, CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED } from './close-codes.js';
export { createTRPCClientAuth, type TRPCAuthLinkOptions, type TRPCClientAuth, type TRPCWSClientLike } from './trpc.js';
