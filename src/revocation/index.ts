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
export { createBackchannelLogoutRoute, createLogtoWebhookRoute } from './next-route.js';
export { createLogtoWebhookHandler, type LogtoWebhookOptions, type WebhookKit } from './webhook-handler.js';
export { WebhookPayloadError, type LogtoWebhookPayload, type WebhookRevocationTarget, type WebhookRevokeRule } from './webhook-events.js';
export { LOGTO_SIGNATURE_HEADER, importWebhookSigningKey, verifyLogtoSignature } from './webhook-signature.js';
export type { SessionRevocation } from '../core/revocation-store.js';
