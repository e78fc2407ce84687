export { createRedisRevocationStore } from './redis-store.js';
export type { RedisRevocationStore, RedisRevocationStoreOptions } from './redis-store-options.js';
export type { RedisClientLike, RedisSubscriberLike } from './redis-client.js';
