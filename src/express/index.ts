export { authMiddleware } from './middleware.js';
export { requireAuth, sendAuthError, type RequireAuthOptions } from './require-auth.js';
export type { KitOrOptions } from 'logto-authkit';
export { protectedResourceMetadataRoute, type ProtectedResourceMetadataRoute } from './protected-resource.js';
