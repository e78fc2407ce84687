export * from './core/index.js';
export * from './revocation/index.js';
