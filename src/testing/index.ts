export { createTestIssuer } from './test-issuer.js';
export type { MintOptions, TestIssuer, TestIssuerOptions } from './test-issuer.js';
export { generateTestSigningKey, isTestSigningAlgorithm } from './keys.js';
export type { TestSigningAlgorithm, TestSigningKey } from './keys.js';
export { startJWKSServer } from './jwks-server.js';
export type { JWKSServer, JWKSServerOptions } from './jwks-server.js';
