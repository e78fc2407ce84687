import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { createLiveAuthorization } from '../../src/core/live-authorization.js';
import { untilAuthorizationEnds } from '../../src/core/live-stream.js';
import { createMemoryRevocationStore } from '../../src/revocation/memory-store.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

let issuer: TestIssuer;
let kit: AuthKit;
let returned = 0;

async function* forever() {
  try {
    for (let i = 0; ; i++) {
      yield i;
      await sleep(5);
    }
  } finally {
    returned++;
  }
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation: createMemoryRevocationStore() });
});
afterAll(async () => {
  kit.close();
  await issuer.close();
});

describe('untilAuthorizationEnds', () => {
  it('returns token_revoked when the subject is revoked mid-stream, and closes the source', async () => {
    const auth = await kit.createAuthContext(await issuer.mintToken({ sub: 'streamer' }));
    const before = returned;
    const stream = untilAuthorizationEnds(forever(), createLiveAuthorization(kit, auth));
    const seen: number[] = [];
    let step = await stream.next();
    while (!step.done) {
      seen.push(step.value);
      if (seen.length === 3) await kit.revoke({ sub: 'streamer', before: Date.now() + 1_000 });
      step = await stream.next();
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(step.value?.code).toBe('token_revoked');
    await sleep(20);
    expect(returned).toBe(before + 1);
  });

  it('returns undefined when the signal aborts or the source ends', async () => {
    const auth = await kit.createAuthContext(await issuer.mintToken());
    const controller = new AbortController();
    const stream = untilAuthorizationEnds(forever(), createLiveAuthorization(kit, auth), { signal: controller.signal });
    expect((await stream.next()).value).toBe(0);
    controller.abort();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    const finite = untilAuthorizationEnds((async function* () { yield 'a'; })(), createLiveAuthorization(kit, auth));
    expect(await finite.next()).toEqual({ done: false, value: 'a' });
    expect(await finite.next()).toEqual({ done: true, value: undefined });
  });

  it('ends at once, before any event, when the authorization has already ended', async () => {
    const valid = await kit.createAuthContext(await issuer.mintToken({ sub: 'gone' }));
    const live = createLiveAuthorization(kit, valid);
    await kit.revoke({ sub: 'gone', before: Date.now() + 1_000 });
    const step = await untilAuthorizationEnds(forever(), live).next();
    expect(step).toMatchObject({ done: true, value: { code: 'token_revoked' } });
  });
});
