import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, whenAuthenticated, type AuthContext, type AuthKit } from '../../src/core/index.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

// whenAuthenticated: callback-style middleware hears a cached token in the same tick, a first
// sight after the verification, and a non-request only through `fail`.
let issuer: TestIssuer;
let kit: AuthKit;
beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
});
afterAll(async () => {
  kit.close();
  await issuer.close();
});

const request = (token?: string) => new Request('http://127.0.0.1/', token ? { headers: { authorization: `Bearer ${token}` } } : {});

function observe(input: unknown): { seen: AuthContext[]; failures: unknown[]; settled: Promise<void>; sync: boolean } {
  const seen: AuthContext[] = [];
  const failures: unknown[] = [];
  let resolve = (): void => undefined;
  const settled = new Promise<void>((r) => (resolve = r));
  whenAuthenticated(kit, input as Request, (auth) => (seen.push(auth), resolve()), (error) => (failures.push(error), resolve()));
  return { seen, failures, settled, sync: seen.length + failures.length > 0 };
}

describe('whenAuthenticated', () => {
  it('answers a first sight after verification, then the cached token in the same tick', async () => {
    const token = await issuer.mintToken({ sub: 'user-7' });
    const first = observe(request(token));
    expect(first.sync).toBe(false);
    await first.settled;
    expect(first.seen.map((auth) => auth.userId)).toEqual(['user-7']);
    const again = observe(request(token));
    expect(again.sync).toBe(true);
    expect(again.seen.map((auth) => auth.userId)).toEqual(['user-7']);
    expect(again.failures).toEqual([]);
  });

  it('hands a refusal over as a context, never through fail', async () => {
    const none = observe(request());
    await none.settled;
    expect(none.seen.map((auth) => [auth.status, auth.error?.code])).toEqual([['anonymous', 'missing_token']]);
    expect(none.failures).toEqual([]);
  });

  it('tells fail of an input that is not a request', async () => {
    const bad = observe(42);
    await bad.settled;
    expect(bad.seen).toEqual([]);
    expect(bad.failures).toHaveLength(1);
  });
});
