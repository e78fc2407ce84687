export { useLogtoAuth, type LogtoAuthContext, type LogtoAuthPluginOptions } from './plugin.js';
export { authDirectiveTransformer, authDirectiveTypeDefs, type AuthDirectiveOptions } from './directive.js';
export { federationAuthDirectiveTypeDefs } from './directive-federation.js';
export { AuthGraphQLError, toGraphQLError, findAuthGraphQLError, type DenyEvent } from './errors.js';
export { adjustHTTPStatus } from './result-status.js';
export { createGraphQLWSAuth, type EnvelopedYoga, type GraphQLWSAuthHooks, type GraphQLWSContextLike, type GraphQLWSSubscribePayload } from './ws.js';
export { createWSAuthContext } from './ws-credentials.js';
export { createApolloAuthPlugin, createApolloContext, type ApolloContextOptions } from './apollo.js';
