export { withAuth, type AuthOf, type AuthRouteHandler, type NextRouteContext, type WithAuthRequirement } from './with-auth.js';
export { verifyNextAuth } from './verify.js';
export { createAuthProxy, type AuthProxy, type AuthProxyOptions } from './proxy.js';
export type { KitOrOptions } from 'logto-authkit';
