/**
 * Express requireAuth through the core requirement parser and evaluator, on a
 * real Express app: options checked at creation, one order, policies, a
 * throwing policy is a 500.
 */
import { createAuthKit, definePolicy, type AuthKit } from 'logto-authkit';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal } from '../helpers/expect-refusal.js';
import { startExpress, type ExpressServer } from './harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: ExpressServer;
const acl = new Set<string>();
const runs = { canEdit: 0, denyAll: 0 };

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, organizationTokens: true });
  const canEdit = definePolicy('canEdit', (auth, _req, params: { postId?: string }) => (runs.canEdit++, acl.has(`${auth.userId}:${params.postId}`)));
  const denyAll = definePolicy('denyAll', () => (runs.denyAll++, false));
  const down = definePolicy('down', async () => {
    throw new Error('database down');
  });
  const ok = (_req: unknown, res: { json(body: unknown): void }) => res.json({ ok: true });
  server = await startExpress((app) => {
    app.use(authMiddleware(kit));
    app.get('/ordered/:orgId', requireAuth({ organization: (req) => req.params.orgId, scopes: ['admin'], policy: denyAll }), ok);
    app.put('/posts/:postId', requireAuth({ policy: canEdit }), ok);
    app.get('/broken', requireAuth({ policy: down }), ok);
    app.get('/admin', requireAuth({ scopes: ['admin'] }), ok);
    app.get('/reports', requireAuth({ scopes: [['read:reports', 'read:users'], ['admin']] }), ok);
    app.get('/orgs/:orgId/admin', requireAuth({ organization: (req) => req.params.orgId, scopes: ['admin'] }), ok);
  });
});
afterAll(async () => {
  kit.close();
  await Promise.all([server.close(), issuer.close()]);
});

const call = async (path: string, claims: Record<string, unknown> | string = {}, method = 'GET') => {
  const token = typeof claims === 'string' ? claims : await issuer.mintToken(claims);
  return fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
};

describe('Express requireAuth: options are checked when the route is built', () => {
  it.each([
    ['scopes as a string (from JavaScript)', { scopes: 'write:posts' }, /logto-authkit\/express: requireAuth option "scopes" must be an array/],
    ['allowGuest as a string', { allowGuest: 'yes' }, /requireAuth option "allowGuest" must be a boolean/],
    ['a policy name instead of a Policy', { policy: 'isOwner' }, /requireAuth option "policy" must be a Policy/],
    ['a numeric organization', { organization: 7 }, /requireAuth option "organization"/],
    ['a mix of scope names and scope sets', { scopes: ['admin', ['read:a']] }, /requireAuth option "scopes" must be an array of scope names .* or an array of such arrays/],
    ['an empty scope set', { scopes: [['read:a'], []] }, /requireAuth option "scopes" has an empty set of scopes/],
    ['a misspelt option', { scope: ['write:posts'] }, /unknown requireAuth option "scope"/],
  ])('%s is a TypeError at creation', (_name, options, message) => {
    expect(() => requireAuth(options as never)).toThrow(TypeError);
    expect(() => requireAuth(options as never)).toThrow(message);
  });
});

describe('Express requireAuth: one order', () => {
  it('organization before scopes before policy', async () => {
    const before = runs.denyAll;
    await expectRefusal(await call('/ordered/org-a', { organization_id: 'org-b' }), 403, 'organization_mismatch');
    await expectRefusal(await call('/ordered/org-a', { organization_id: 'org-a' }), 403, 'insufficient_scope');
    expect(runs.denyAll).toBe(before);
    await expectRefusal(await call('/ordered/org-a', { organization_id: 'org-a', scope: 'admin' }), 403, 'policy_denied');
    expect(runs.denyAll).toBe(before + 1);
  });
});

describe('Express requireAuth: policies', () => {
  it('a policy gets the route params and runs on every request', async () => {
    acl.add('editor:p1');
    expect((await call('/posts/p1', { sub: 'editor' }, 'PUT')).status).toBe(200);
    await expectRefusal(await call('/posts/p2', { sub: 'editor' }, 'PUT'), 403, 'policy_denied');
    acl.delete('editor:p1');
    await expectRefusal(await call('/posts/p1', { sub: 'editor' }, 'PUT'), 403, 'policy_denied');
  });

  it('a policy that throws is a 500 policy_error, never 403', async () => {
    const res = await call('/broken');
    const body = await expectRefusal(res, 500, 'policy_error');
    expect(body.error_description).toBe('policy "down" could not be evaluated');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });
});

describe('Express: organization tokens and API scopes', () => {
  it('an organization token’s admin permission does not pass requireAuth({ scopes: [admin] }) on a route naming no organization', async () => {
    const token = await issuer.mintOrganizationToken('org-a', ['admin']);
    await expectRefusal(await call('/admin', token), 403, 'insufficient_scope');
    expect((await call('/orgs/org-a/admin', token)).status).toBe(200);
  });
});

describe('Express requireAuth: one of several scope sets (scopes: [[...], [...]])', () => {
  it('admits a caller holding every scope of one set, and no other', async () => {
    expect((await call('/reports', { scope: 'read:reports read:users' })).status).toBe(200);
    expect((await call('/reports', { scope: 'admin' })).status).toBe(200);
    expect((await call('/reports', { scope: 'read:users other admin' })).status).toBe(200);
  });

  it('refuses a caller holding part of each set: 403 insufficient_scope, scope= the set it is closest to', async () => {
    const res = await call('/reports', { scope: 'read:reports' });
    const body = await expectRefusal(res, 403, 'insufficient_scope');
    expect(body.error_description).toBe('needs all scopes of one of (read:reports read:users) or (admin); closest: missing read:users');
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", .*scope="read:reports read:users"$/);
  });

  it('a token with no scope at all is told so, and asked for the smallest set', async () => {
    const res = await call('/reports');
    const body = await expectRefusal(res, 403, 'insufficient_scope');
    expect(body.reason).toBe('empty_scope');
    expect(res.headers.get('www-authenticate')).toMatch(/scope="admin"$/);
  });
});
