import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkServer } from '../../bench/http/load.js';
import { alternate, median } from '../../bench/lib/measure.js';
import { ratioTarget } from '../../bench/lib/results.js';
import { forgeBadSignature, forgeUnknownKid, mintManyParallel } from '../../bench/lib/tokens.js';

// The harness's own logic, by counts and outcomes: no test here looks at a speed.

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

describe('rounds and medians', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('alternates the order of what a round compares', () => {
    expect(alternate(0, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(alternate(1, ['a', 'b', 'c'])).toEqual(['c', 'b', 'a']);
  });

  it('a ratio row is the median of the per-round ratios, met only at its threshold', () => {
    const row = ratioTarget('x', 'x', [90, 100, 300], [100, 100, 100], 1);
    expect(row.rounds).toEqual([0.9, 1, 3]);
    expect(row.value).toBe(1);
    expect(row.met).toBe(true);
    expect(ratioTarget('y', 'y', [94, 96, 90], [100, 100, 100], 0.95).met).toBe(false);
  });
});

describe('bench tokens', () => {
  it('mints unique genuine tokens the kit accepts, one entry each in its cache', async () => {
    const local = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
    try {
      const tokens = await mintManyParallel(issuer, 20);
      expect(new Set(tokens).size).toBe(20);
      for (const token of tokens) await local.verifyToken(token);
      expect(local.stats().tokenCache?.entries).toBe(20);
    } finally {
      local.close();
    }
  });

  it('forges tokens the kit refuses: a known kid with a wrong signature, and unknown kids', async () => {
    await expect(kit.verifyToken(await forgeBadSignature(issuer))).rejects.toThrow();
    for (const token of forgeUnknownKid(issuer, 3)) await expect(kit.verifyToken(token)).rejects.toThrow();
  });
});

describe('the gate before timing a server', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });
  async function serve(handler: (authorization: string | undefined) => Promise<[number, unknown]>): Promise<number> {
    const server = createServer((req, res) => {
      void handler(req.headers.authorization).then(([status, body]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('passes a server that verifies: 200 naming the sub, 401 for a forged or missing token', async () => {
    const port = await serve(async (authorization) => {
      try {
        const auth = await kit.verifyToken(authorization?.replace(/^Bearer /, '') ?? '');
        return [200, { user: auth.userId }];
      } catch {
        return [401, { error: 'unauthorized' }];
      }
    });
    const token = await issuer.mintToken({ sub: 'user-0' });
    await expect(checkServer('express-authkit', port, token, 'user-0', await forgeBadSignature(issuer))).resolves.toBeUndefined();
  });

  it('stops the run for a server that lets a forged token through', async () => {
    const port = await serve(async () => [200, { user: 'user-0' }]);
    const token = await issuer.mintToken({ sub: 'user-0' });
    await expect(checkServer('hono-authkit', port, token, 'user-0', await forgeBadSignature(issuer))).rejects.toThrow(/forged token got 200/);
  });

  it('stops the run for a server that does not read the caller from the token', async () => {
    const port = await serve(async (authorization) => (authorization ? [200, { user: 'someone' }] : [401, {}]));
    const token = await issuer.mintToken({ sub: 'user-0' });
    await expect(checkServer('fastify-authkit', port, token, 'user-0', await forgeBadSignature(issuer))).rejects.toThrow(/expected 200 naming user-0/);
  });
});
