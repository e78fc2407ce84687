export { createMcpTokenVerifier, authContextOf, type McpTokenVerifierOptions } from './token-verifier.js';
export { toOAuthError } from './errors.js';
export { protectedResourceMetadata, protectedResourceMetadataPath, protectedResourceMetadataUrl, type KitOrOptions, type ProtectedResourceMetadata, type ProtectedResourceMetadataOptions } from 'logto-authkit';
