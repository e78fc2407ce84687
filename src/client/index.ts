export { createAuthFetch, type AuthFetchOptions, type FetchFunction, type RetryUnavailableOptions } from './auth-fetch.js';
export { bearerError } from './www-authenticate.js';
export type { AccessTokenGetter, TokenSource } from './types.js';
