import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import type { AuthenticatedContext } from '../../src/core/context.js';
import { authorizationDeadline, createLiveAuthorization, isRevokedBy, liveExpiryError } from '../../src/core/live-authorization.js';
import { organizationSubject } from '../../src/core/revocation-store.js';
import { createMemoryRevocationStore } from '../../src/revocation/memory-store.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

let issuer: TestIssuer;
let clock = Date.now();
const kits: AuthKit[] = [];
const makeKit = (extra: { clockTolerance?: number; withStore?: boolean } = {}): AuthKit => {
  const kit = createAuthKit({
    logtoUrl: issuer.logtoUrl,
    audience: issuer.audience,
    now: () => clock,
    clockTolerance: extra.clockTolerance ?? 5,
    ...(extra.withStore === false ? {} : { revocation: createMemoryRevocationStore({ now: () => clock }) }),
  });
  kits.push(kit);
  return kit;
};

async function signedIn(kit: AuthKit, claims: Record<string, unknown> = {}, expiresIn = 60): Promise<AuthenticatedContext> {
  const auth = await kit.createAuthContext(await issuer.mintToken(claims, { now: clock, expiresIn }));
  if (auth.status !== 'authenticated') throw new Error(`not authenticated: ${auth.error?.code}`);
  return auth;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  for (const kit of kits) kit.close();
  await issuer.close();
});

describe('authorizationDeadline and liveExpiryError', () => {
  it('put the deadline at exp + clockTolerance, by the kit’s clock', async () => {
    const kit = makeKit({ clockTolerance: 7 });
    const auth = await signedIn(kit, {}, 60);
    expect(authorizationDeadline(kit, auth)).toBe(auth.expiresAt.getTime() + 7_000);
    const start = clock;
    clock = auth.expiresAt.getTime() + 6_999;
    expect(liveExpiryError(kit, auth)).toBeUndefined();
    clock += 1;
    expect(liveExpiryError(kit, auth)?.code).toBe('token_expired');
    clock = start;
  });

  it('have nothing to expire for guests and anonymous callers', async () => {
    const kit = makeKit();
    const anonymous = await kit.createAuthContext('');
    expect(authorizationDeadline(kit, anonymous)).toBeUndefined();
    expect(liveExpiryError(kit, anonymous)).toBeUndefined();
    const live = createLiveAuthorization(kit, anonymous);
    expect(live.check()).toBeUndefined();
    live.close();
  });
});

describe('createLiveAuthorization', () => {
  it('ends with token_expired when its one timer reaches exp + clockTolerance', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const kit = makeKit({ clockTolerance: 5 });
    const auth = await signedIn(kit, {}, 60);
    const live = createLiveAuthorization(kit, auth);
    let ended: string | undefined;
    void live.ended.then((error) => (ended = error.code));
    const start = clock;
    const wait = auth.expiresAt.getTime() + 5_000 - clock;
    clock += wait - 1;
    await vi.advanceTimersByTimeAsync(wait - 1);
    expect(ended).toBeUndefined();
    expect(live.check()).toBeUndefined();
    clock += 1;
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toBe('token_expired');
    expect(live.check()?.code).toBe('token_expired');
    clock = start;
  });

  it('re-arms for a deadline beyond what one timer holds (2^31 - 1 ms)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // No store: a store's ttl (65 min by default) would refuse a 30-day token as token_too_old.
    const kit = makeKit({ clockTolerance: 0, withStore: false });
    const days30 = 30 * 24 * 3600;
    const auth = await signedIn(kit, {}, days30);
    const live = createLiveAuthorization(kit, auth);
    let ended = false;
    void live.ended.then(() => (ended = true));
    const start = clock;
    // A timer given more than 2^31 - 1 ms would fire at once.
    clock += 2_147_483_647;
    await vi.advanceTimersByTimeAsync(2_147_483_647);
    expect(ended).toBe(false);
    const rest = auth.expiresAt.getTime() - clock;
    clock += rest;
    await vi.advanceTimersByTimeAsync(rest);
    expect(ended).toBe(true);
    clock = start;
  });

  it('ends with token_revoked when the kit revokes its subject, and only its subject', async () => {
    const kit = makeKit();
    const mine = await signedIn(kit, { sub: 'live-a' });
    const other = await signedIn(kit, { sub: 'live-b' });
    const [liveA, liveB] = [createLiveAuthorization(kit, mine), createLiveAuthorization(kit, other)];
    const endedA = liveA.ended.then((error) => error.code);
    clock += 1_000;
    await kit.revoke({ sub: 'live-a' });
    expect(await endedA).toBe('token_revoked');
    expect(liveA.check()?.code).toBe('token_revoked');
    expect(liveB.check()).toBeUndefined();
    liveB.close();
  });

  it('ends on a revocation another instance made, told through the store’s subscription', async () => {
    const store = createMemoryRevocationStore({ now: () => clock });
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, now: () => clock, revocation: store });
    kits.push(kit);
    const auth = await signedIn(kit, { sub: 'elsewhere' });
    const live = createLiveAuthorization(kit, auth);
    // Another instance writes to the shared store; this kit only hears of it.
    await store.revoke({ iss: issuer.issuer, sub: 'elsewhere', before: clock + 1_000 });
    expect((await live.ended).code).toBe('token_revoked');
  });

  it('outlives a revocation that predates its token (a re-sign-in after logout)', async () => {
    const kit = makeKit();
    const auth = await signedIn(kit, { sub: 'again' });
    const live = createLiveAuthorization(kit, auth);
    await kit.revoke({ sub: 'again', before: auth.expiresAt.getTime() - 3_600_000 - 1_000 });
    expect(live.check()).toBeUndefined();
    live.close();
  });

  it('stops listening when closed: no timer, no listener left', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const kit = makeKit();
    const auth = await signedIn(kit, { sub: 'closer' });
    const seen: string[] = [];
    const stop = kit.onRevoked((r) => seen.push(r.sub));
    const timers = vi.getTimerCount();
    const live = createLiveAuthorization(kit, auth);
    expect(vi.getTimerCount()).toBe(timers + 1);
    live.close();
    live.close();
    expect(vi.getTimerCount()).toBe(timers);
    await kit.revoke({ sub: 'closer', before: clock + 1 });
    expect(live.check()).toBeUndefined();
    expect(seen).toContain('closer');
    stop();
  });
});

describe('kit.onRevoked', () => {
  it('tells every listener even when one throws, and the cache still drops the subject', async () => {
    const kit = makeKit();
    const token = await issuer.mintToken({ sub: 'loud' }, { now: clock });
    expect((await kit.createAuthContext(token)).status).toBe('authenticated');
    const stopThrowing = kit.onRevoked(() => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    const stop = kit.onRevoked((r) => seen.push(r.sub));
    await kit.revoke({ sub: 'loud', before: clock + 1_000 });
    expect(seen).toContain('loud');
    expect((await kit.createAuthContext(token)).error?.code).toBe('token_revoked');
    stop();
    stopThrowing();
    const told = seen.length;
    await kit.revoke({ sub: 'loud', before: clock + 2_000 });
    expect(seen.length).toBe(told);
  });
});

describe('isRevokedBy', () => {
  it('is the verifier’s rule: same issuer and subject, issued before `before`', async () => {
    const kit = makeKit();
    const auth = await signedIn(kit, { sub: 'rule' });
    const iatMs = (auth.payload.iat as number) * 1000;
    const iss = auth.payload.iss as string;
    expect(isRevokedBy({ iss, sub: 'rule', before: iatMs + 1 }, auth)).toBe(true);
    expect(isRevokedBy({ iss, sub: 'rule', before: iatMs }, auth)).toBe(false);
    expect(isRevokedBy({ iss, sub: 'other', before: iatMs + 1 }, auth)).toBe(false);
    // Another tenant's user of the same id.
    expect(isRevokedBy({ iss: 'https://other.logto.app/oidc', sub: 'rule', before: iatMs + 1 }, auth)).toBe(false);
  });

  it('a revocation within an organization ends only streams whose token is bound to it', async () => {
    const kit = makeKit();
    const inOrg = await signedIn(kit, { sub: 'member', organization_id: 'org-left' });
    const plain = await signedIn(kit, { sub: 'member' });
    const iss = inOrg.payload.iss as string;
    const before = (inOrg.payload.iat as number) * 1000 + 1;
    const revocation = { iss, sub: organizationSubject('member', 'org-left'), before };
    expect([isRevokedBy(revocation, inOrg), isRevokedBy(revocation, plain)]).toEqual([true, false]);
    expect(isRevokedBy({ ...revocation, sub: organizationSubject('member', 'org-kept') }, inOrg)).toBe(false);
  });
});
