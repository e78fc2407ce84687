import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createAuthFetch, type FetchFunction } from 'logto-authkit/client';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../helpers/jwks-test-server.js';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { buildApp } from '../trpc/harness.js';

// A 503 is an outage of the API's key source: the token may be fine, so it is never replaced;
// it is sent again only when the caller asks, after the server's Retry-After (RFC 9110 §10.2.3).
let clock: ReturnType<typeof manualClock>;
let issuer: TestIssuer;
let kit: AuthKit;
let server: Server;
let url: string;
let statuses: number[];
const counting: FetchFunction = async (input, init) => {
  const response = await fetch(input, init);
  statuses.push(response.status);
  return response;
};

beforeEach(async () => {
  clock = manualClock(Date.now());
  issuer = await createTestIssuer({ now: clock.now });
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, now: clock.now });
  const app = express();
  app.use(authMiddleware(kit));
  app.get('/me', requireAuth(), (req, res) => void res.json({ userId: req.auth?.status === 'authenticated' ? req.auth.userId : null }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
  statuses = [];
  // The key set is broken until a test mends it: the kit answers 503 with Retry-After.
  issuer.setJWKS({ keys: 'not a list' });
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  kit.close();
  await issuer.close();
});

describe('createAuthFetch and a 503 (Express, a real outage of the key set)', () => {
  it('returns the 503 without retrying or asking for a new token by default', async () => {
    let gets = 0;
    const token = await issuer.mintToken({ sub: 'user-1' });
    const response = await createAuthFetch({ getAccessToken: async () => (gets++, token), fetch: counting })(url);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(statuses).toEqual([503]);
    expect(gets).toBe(1);
  });

  it('with retryUnavailable, waits the Retry-After once and sends the same token again', async () => {
    const token = await issuer.mintToken({ sub: 'user-1' });
    const waits: number[] = [];
    const wait = async (ms: number) => {
      waits.push(ms);
      issuer.setJWKS(undefined);
      clock.advance(ms);
    };
    const authFetch = createAuthFetch({ getAccessToken: async () => token, fetch: counting, retryUnavailable: { maxWaitSeconds: 60 }, wait });
    const response = await authFetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: 'user-1' });
    expect(statuses).toEqual([503, 200]);
    expect(waits).toEqual([30_000]);
  });

  it('a second 503 after the wait is returned: one retry at most', async () => {
    const token = await issuer.mintToken({ sub: 'user-1' });
    const waits: number[] = [];
    const wait = async (ms: number) => void (waits.push(ms), clock.advance(ms));
    const response = await createAuthFetch({ getAccessToken: async () => token, fetch: counting, retryUnavailable: { maxWaitSeconds: 60 }, wait })(url);
    expect(response.status).toBe(503);
    expect(statuses).toEqual([503, 503]);
    expect(waits).toHaveLength(1);
  });

  it('a Retry-After longer than maxWaitSeconds is not waited for', async () => {
    const token = await issuer.mintToken({ sub: 'user-1' });
    let waited = 0;
    const response = await createAuthFetch({ getAccessToken: async () => token, fetch: counting, retryUnavailable: { maxWaitSeconds: 10 }, wait: async () => void waited++ })(url);
    expect(response.status).toBe(503);
    expect(statuses).toEqual([503]);
    expect(waited).toBe(0);
  });

  it('a 503 without Retry-After (tRPC’s own SERVICE_UNAVAILABLE, no authResponseMeta) is not retried even when asked', async () => {
    const app = buildApp(kit);
    // tRPC's own mapping gives the 503 but, without authResponseMeta, no Retry-After.
    const server = createHTTPServer({ router: app.router, createContext: app.createContext });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const token = await issuer.mintToken({ sub: 'user-1' });
      let waited = 0;
      const trpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const response = await createAuthFetch({ getAccessToken: async () => token, fetch: counting, retryUnavailable: true, wait: async () => void waited++ })(`${trpcUrl}/me`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBeNull();
      expect(statuses).toEqual([503]);
      expect(waited).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('the wait ends with the request’s signal', async () => {
    const token = await issuer.mintToken({ sub: 'user-1' });
    const controller = new AbortController();
    // Aborted once the 503 is in, so the abort lands in the 30 s wait (the real timer).
    const abortAfter: FetchFunction = async (input, init) => {
      const response = await counting(input, init);
      controller.abort(new Error('gave up'));
      return response;
    };
    const pending = createAuthFetch({ getAccessToken: async () => token, fetch: abortAfter, retryUnavailable: { maxWaitSeconds: 60 } })(url, { signal: controller.signal });
    await expect(pending).rejects.toThrow('gave up');
    expect(statuses).toEqual([503]);
  });
});
