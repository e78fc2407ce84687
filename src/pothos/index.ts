export { pothosAuthScopes, type LogtoAuthScopeLoaders, type LogtoAuthScopes, type LogtoOrganizationScope, type LogtoPolicyScope } from './scopes.js';
export { pothosUnauthorizedError, type PothosAuthFailure } from './unauthorized-error.js';
