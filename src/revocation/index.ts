export { createMemoryRevocationStore, DEFAULT_REVOCATION_TTL, MAX_REVOCATION_SKEW, type MemoryRevocationStore, type MemoryRevocationStoreOptions, type RevocationSnapshot } from './memory-store.js';
export {
  createBackchannelLogoutHandler,
  revocationTime,
  type BackchannelLogoutEvent,
  type BackchannelLogoutOptions,
  type FetchHandler,
  type LogoutKit,
} from './backchannel-handler.js';
export { BACKCHANNEL_LOGOUT_EVENT, LogoutTokenError, verifyLogoutToken, type LogoutTokenClaims, type LogoutTokenRules } from './logout-token.js';
export { toNodeHandler, type NodeHandler, type NodeLikeRequest, type NodeLikeResponse } from './node-handler.js';
export { createBackchannelLogoutRoute } from './next-route.js';
export type { SessionRevocation } from '../core/revocation-store.js';
