export { createTRPCContext, type CreateTRPCContextOptions, type TRPCAuthContext, type TRPCContextInput } from './context.js';
export {
  createAuthProcedures,
  requireAuth,
  type AuthMiddleware,
  type AuthProcedure,
  type AuthProcedures,
  type RequireAuthOptions,
  type RequiredAuth,
} from './procedures.js';
export { authResponseMeta, findAuthError, toTRPCError, type AuthResponseMeta, type AuthResponseMetaOptions } from './errors.js';
export { expiryError, untilTokenExpires, type UntilTokenExpiresOptions } from './subscriptions.js';
export {
  organizationFromInput,
  type OrganizationAuth,
  type OrganizationProcedureOptions,
  type OrganizationResolver,
  type OrganizationSource,
} from './organizations.js';
