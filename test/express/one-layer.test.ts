import { createAuthKit, type AuthKit } from 'logto-authkit';
import { authMiddleware } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal } from '../helpers/expect-refusal.js';
import { startExpress, type ExpressServer } from './harness.js';

// authMiddleware(kit, requirement): the requirement checked in the same layer, and a cached
// token answered before the middleware returns (no promise between it and the route).
let issuer: TestIssuer;
let server: ExpressServer;
let kit: AuthKit;
const API = 'https://api.example.test';
const sameTick: boolean[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: API });
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: API });
  const observed = (inner: RequestHandler): RequestHandler => (req, res, next) => {
    let returned = false;
    inner(req, res, (error?: unknown) => {
      sameTick.push(!returned);
      next(error);
    });
    returned = true;
  };
  server = await startExpress((app) => {
    app.get('/me', observed(authMiddleware(kit, {})), (req, res) => res.json({ userId: req.auth?.userId }));
    app.post('/posts', authMiddleware(kit, { scopes: ['write:posts'] }), (_req, res) => res.json({ ok: true }));
    app.get('/orgs/:orgId', authMiddleware(kit, { organization: (req) => req.params.orgId }), (req, res) => res.json({ org: req.auth?.status === 'authenticated' ? req.auth.organizationId : null }));
  });
});
afterAll(async () => {
  kit.close();
  await Promise.all([server.close(), issuer.close()]);
});

const call = (path: string, token?: string, method = 'GET') => fetch(`${server.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('authMiddleware with a requirement', () => {
  it('refuses as requireAuth does: 401 without a token, 403 naming a missing scope, 403 for another organization', async () => {
    await expectRefusal(await call('/me'), 401, 'missing_token');
    const reader = await issuer.mintToken({ scope: 'read:posts' });
    const res = await call('/posts', reader, 'POST');
    await expectRefusal(res, 403, 'insufficient_scope');
    expect(res.headers.get('www-authenticate')).toContain('scope="write:posts"');
    await expectRefusal(await call('/orgs/b', await issuer.mintToken({ organization_id: 'a' })), 403, 'organization_mismatch');
  });

  it('lets a token that meets it through, with req.auth set', async () => {
    expect(await (await call('/posts', await issuer.mintToken({ scope: 'write:posts' }), 'POST')).json()).toEqual({ ok: true });
    expect(await (await call('/orgs/a', await issuer.mintToken({ organization_id: 'a' }))).json()).toEqual({ org: 'a' });
  });

  it('answers a cached token in the same tick, and a first sight after waiting for the verification', async () => {
    const token = await issuer.mintToken({ sub: 'user-9' });
    sameTick.length = 0;
    for (let i = 0; i < 3; i++) expect(await (await call('/me', token)).json()).toEqual({ userId: 'user-9' });
    expect(sameTick).toEqual([false, true, true]);
    expect(kit.stats().verifications.cacheHits).toBeGreaterThanOrEqual(2);
  });
});
