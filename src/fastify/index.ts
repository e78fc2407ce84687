export { logtoAuthPlugin, type LogtoAuthPluginOptions } from './plugin.js';
export { requireAuth, sendAuthError, type RequireAuthOptions } from './require-auth.js';
export type { KitOrOptions } from 'logto-authkit';
