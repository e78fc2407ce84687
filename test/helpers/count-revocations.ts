import type { RevocationStore } from '../../src/core/revocation-store.js';

/**
 * `store` with every `revoke()` call recorded (its subject), to count how many
 * times a receiver applied a revocation; everything else is passed through.
 */
export function countRevocations(store: RevocationStore): { store: RevocationStore; revoked: string[] } {
  const revoked: string[] = [];
  const counted: RevocationStore = {
    getRevokedAt: (sub, iss) => store.getRevokedAt(sub, iss),
    revoke: (revocation) => (revoked.push(revocation.sub), store.revoke(revocation)),
    get ttl() {
      return store.ttl;
    },
    get size() {
      return store.size;
    },
    ...(store.subscribe ? { subscribe: (listener: Parameters<NonNullable<RevocationStore['subscribe']>>[0]) => store.subscribe!(listener) } : {}),
    ...(store.markJti ? { markJti: (jti: string, ttl: number) => store.markJti!(jti, ttl) } : {}),
  };
  return { store: counted, revoked };
}
