import { describe, expect, it } from 'vitest';
import { createMemoryRevocationStore, DEFAULT_REVOCATION_TTL } from '../../src/revocation/index.js';

const T0 = 1_700_000_000_000;
const ISS = 'https://tenant-a.logto.app/oidc';

describe('createMemoryRevocationStore', () => {
  it('answers synchronously and keeps the later revocation of a subject', async () => {
    const store = createMemoryRevocationStore({ now: () => T0 });
    expect(store.getRevokedAt('u1', ISS)).toBeUndefined();
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 });
    expect(store.getRevokedAt('u1', ISS)).toBe(T0);
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 - 5_000 });
    expect(store.getRevokedAt('u1', ISS)).toBe(T0);
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 + 5_000 });
    expect(store.getRevokedAt('u1', ISS)).toBe(T0 + 5_000);
  });

  it('tells subscribers of each revocation that moves a subject forward, until they unsubscribe', async () => {
    const store = createMemoryRevocationStore({ now: () => T0 });
    const seen: unknown[] = [];
    const unsubscribe = store.subscribe((r) => seen.push(r));
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 });
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 });
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 - 1 });
    unsubscribe();
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 + 1 });
    expect(seen).toEqual([{ iss: ISS, sub: 'u1', before: T0 }]);
  });

  it('expires entries ttl after their revocation time, so it never grows without bound', async () => {
    let now = T0;
    const store = createMemoryRevocationStore({ now: () => now, ttl: 60_000 });
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 });
    await store.revokeSession({ sid: 's1', before: T0 });
    expect(await store.markJti('j1', 30_000)).toBe(true);
    expect(store.size).toBe(3);
    now = T0 + 30_000;
    expect(store.size).toBe(2);
    now = T0 + 59_999;
    expect(store.getRevokedAt('u1', ISS)).toBe(T0);
    now = T0 + 60_000;
    expect(store.getRevokedAt('u1', ISS)).toBeUndefined();
    expect(store.getSessionRevokedAt('s1')).toBeUndefined();
    expect(store.size).toBe(0);
    // A revocation already past its ttl is not even stored.
    await store.revoke({ iss: ISS, sub: 'u2', before: now - 60_000 });
    expect(store.size).toBe(0);
  });

  it('defaults the ttl to Logto’s 3600 s access-token lifetime plus 5 minutes', async () => {
    let now = T0;
    const store = createMemoryRevocationStore({ now: () => now });
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 });
    now = T0 + 3_600_000 + 299_999;
    expect(store.getRevokedAt('u1', ISS)).toBe(T0);
    now = T0 + DEFAULT_REVOCATION_TTL;
    expect(store.getRevokedAt('u1', ISS)).toBeUndefined();
  });

  it('marks a jti once: a replay is refused until it expires', async () => {
    let now = T0;
    const store = createMemoryRevocationStore({ now: () => now });
    expect(await store.markJti('j1', 1_000)).toBe(true);
    expect(await store.markJti('j1', 1_000)).toBe(false);
    expect(await store.markJti('j2', 1_000)).toBe(true);
    now += 1_000;
    expect(await store.markJti('j1', 1_000)).toBe(true);
  });

  it('records ended sessions apart from subjects, and snapshots both', async () => {
    const store = createMemoryRevocationStore({ now: () => T0 });
    await store.revokeSession({ sid: 's1', before: T0 });
    expect(store.getSessionRevokedAt('s1')).toBe(T0);
    expect(store.getRevokedAt('s1', ISS)).toBeUndefined();
    await store.revoke({ iss: ISS, sub: 'u1', before: T0 });
    expect(store.snapshot()).toEqual({ subjects: [{ iss: ISS, sub: 'u1', before: T0 }], sessions: [{ sid: 's1', before: T0 }] });
  });

  it('refuses malformed revocations and options', async () => {
    const store = createMemoryRevocationStore();
    await expect(store.revoke({ iss: ISS, sub: '', before: T0 })).rejects.toThrow(/"sub"/);
    await expect(store.revoke({ iss: ISS, sub: 'u', before: Number.NaN })).rejects.toThrow(/"before"/);
    await expect(store.revokeSession({ sid: 7 as unknown as string, before: T0 })).rejects.toThrow(/"sid"/);
    expect(() => createMemoryRevocationStore({ ttl: 0 })).toThrow(/"ttl"/);
    expect(store.size).toBe(0);
  });
});
