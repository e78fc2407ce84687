/**
 * Next.js withAuth through the core requirement parser and evaluator, with
 * real route-handler calls (Fetch Requests): options checked at creation in
 * both forms, one order, policies, a throwing policy is a 500.
 */
import { createAuthKit, definePolicy, type AuthKit } from 'logto-authkit';
import { withAuth, type NextRouteContext } from 'logto-authkit/next';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal } from '../helpers/expect-refusal.js';

let issuer: TestIssuer;
let kit: AuthKit;
const acl = new Set<string>();
const runs = { denyAll: 0 };
const denyAll = definePolicy('denyAll', () => (runs.denyAll++, false));
const canEdit = definePolicy('canEdit', (auth, _request, params: { postId?: string }) => acl.has(`${auth.userId}:${params.postId}`));
const down = definePolicy('down', async () => {
  throw new Error('database down');
});

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, organizationTokens: true });
});
afterAll(async () => {
  kit.close();
  await issuer.close();
});

const context = (params: Record<string, string> = {}): NextRouteContext => ({ params: Promise.resolve(params) });
const request = async (claims: Record<string, unknown> | string = {}) =>
  new Request('http://app.test/api/x', { headers: { authorization: `Bearer ${typeof claims === 'string' ? claims : await issuer.mintToken(claims)}` } });
const ok = () => Response.json({ ok: true });

describe('Next.js withAuth: options are checked when the handler is built', () => {
  it.each([
    ['scopes as a string', { scopes: 'write:posts' }, /logto-authkit\/next: withAuth option "scopes" must be an array/],
    ['allowGuest as a string', { allowGuest: 'yes' }, /withAuth option "allowGuest" must be a boolean/],
    ['a policy name', { policy: 'isOwner' }, /withAuth option "policy" must be a Policy/],
    ['an empty organization', { organization: '' }, /withAuth option "organization"/],
    ['a misspelt option', { scope: ['a'] }, /unknown withAuth option "scope"/],
  ])('withAuth(kit, handler, requirement): %s is a TypeError', (_name, requirement, message) => {
    expect(() => withAuth(kit, ok, requirement as never)).toThrow(TypeError);
    expect(() => withAuth(kit, ok, requirement as never)).toThrow(message);
  });

  it('withAuth(handler, options): a bad requirement is a TypeError, with { kit } and with kit options', () => {
    expect(() => withAuth(ok, { kit, scopes: 'write:posts' } as never)).toThrow(/withAuth option "scopes" must be an array/);
    expect(() => withAuth(ok, { logtoUrl: issuer.logtoUrl, audience: issuer.audience, scopes: 'write:posts' } as never)).toThrow(/withAuth option "scopes" must be an array/);
    expect(() => withAuth(ok, { kit, policy: 'isOwner' } as never)).toThrow(/withAuth option "policy"/);
    // With a kit, anything that is not a requirement is a mistake (kit options go to createAuthKit).
    expect(() => withAuth(ok, { kit, scope: ['a'] } as never)).toThrow(/unknown withAuth option "scope"/);
    // Kit options are still checked by the kit.
    expect(() => withAuth(ok, { logtoUrl: issuer.logtoUrl, audience: issuer.audience, scope: ['a'] } as never)).toThrow(/scope/);
    expect(() => withAuth(ok, { kit, scopes: ['write:posts'], allowGuest: true })).not.toThrow();
  });
});

describe('Next.js withAuth: one order', () => {
  it('organization before scopes before policy', async () => {
    const handler = withAuth(kit, ok, { organization: async (_request, { params }) => (await params).orgId, scopes: ['admin'], policy: denyAll });
    const before = runs.denyAll;
    await expectRefusal(await handler(await request({ organization_id: 'org-b' }), context({ orgId: 'org-a' })), 403, 'organization_mismatch');
    await expectRefusal(await handler(await request({ organization_id: 'org-a' }), context({ orgId: 'org-a' })), 403, 'insufficient_scope');
    expect(runs.denyAll).toBe(before);
    await expectRefusal(await handler(await request({ organization_id: 'org-a', scope: 'admin' }), context({ orgId: 'org-a' })), 403, 'policy_denied');
    expect(runs.denyAll).toBe(before + 1);
  });
});

describe('Next.js withAuth: policies', () => {
  it('a policy gets the route params and runs on every request, in both forms', async () => {
    const forms = [withAuth(kit, ok, { policy: canEdit }), withAuth(ok, { kit, policy: canEdit })];
    acl.add('editor:p1');
    for (const handler of forms) {
      expect((await handler(await request({ sub: 'editor' }), context({ postId: 'p1' }))).status).toBe(200);
      await expectRefusal(await handler(await request({ sub: 'editor' }), context({ postId: 'p2' })), 403, 'policy_denied');
    }
    acl.delete('editor:p1');
    for (const handler of forms) await expectRefusal(await handler(await request({ sub: 'editor' }), context({ postId: 'p1' })), 403, 'policy_denied');
  });

  it('a policy that throws is a 500 policy_error, never 403', async () => {
    const res = await withAuth(kit, ok, { policy: down })(await request(), context());
    const body = await expectRefusal(res, 500, 'policy_error');
    expect(body.error_description).toBe('policy "down" could not be evaluated');
  });
});

describe('Next.js: organization tokens and API scopes', () => {
  it('an organization token’s admin permission does not pass { scopes: [admin] } on a route naming no organization', async () => {
    const token = await issuer.mintOrganizationToken('org-a', ['admin']);
    await expectRefusal(await withAuth(kit, ok, { scopes: ['admin'] })(await request(token), context()), 403, 'insufficient_scope');
    expect((await withAuth(kit, ok, { organization: 'org-a', scopes: ['admin'] })(await request(token), context())).status).toBe(200);
  });
});
