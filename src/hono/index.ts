export { logtoAuth, type LogtoAuthEnv } from './middleware.js';
export { requireAuth, type RequireAuthOptions, type RequiredAuthEnv } from './require-auth.js';
export type { KitOrOptions } from 'logto-authkit';
