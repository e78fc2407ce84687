import { describe, expect, it } from 'vitest';
import { anonymousContext, authenticatedContext, guestContext } from '../../src/core/build-context.js';
import { AuthError } from '../../src/core/errors.js';
import { evaluateRequirement } from '../../src/core/evaluate-requirement.js';
import { definePolicy } from '../../src/core/policies.js';
import { createPolicyMemo } from '../../src/core/policy-memo.js';
import { parseRequirement } from '../../src/core/requirement.js';

const exp = Math.floor(Date.now() / 1000) + 3600;
const user = (payload: Record<string, unknown> = {}) => {
  const p = { sub: 'u1', client_id: 'c', exp, scope: 'read:posts', ...payload };
  return authenticatedContext('t', p, p, String(p.scope ?? '').split(' ').filter(Boolean));
};
const guest = guestContext({ guestId: '5f1d7a38-9a8e-4f5e-9a57-1c2f0c7d8e90', isNewGuest: false });
const parse = (input: unknown) => parseRequirement(input, { entry: 'test', name: 'guard' });
let policyRuns = 0;
const denyAll = definePolicy('denyAll', () => (policyRuns++, false));
const down = definePolicy('down', () => {
  throw new Error('database down');
});

describe('evaluateRequirement: one order for every adapter', () => {
  it('organization before scopes before policy', async () => {
    const all = parse({ organization: 'org-a', scopes: ['admin'], policy: denyAll });
    const before = policyRuns;
    expect((await evaluateRequirement(user({ organization_id: 'org-b' }), all))?.code).toBe('organization_mismatch');
    expect((await evaluateRequirement(user({ organization_id: 'org-a' }), all))?.code).toBe('insufficient_scope');
    expect(policyRuns).toBe(before); // no policy runs before organization and scopes pass
    expect((await evaluateRequirement(user({ organization_id: 'org-a', scope: 'admin' }), all))?.code).toBe('policy_denied');
    expect(policyRuns).toBe(before + 1);
  });

  it('the caller first: anonymous gets its own error, a guest guest_not_allowed unless only allowGuest', async () => {
    const why = new AuthError('token_expired', 'token has expired');
    expect(await evaluateRequirement(anonymousContext(why), parse({ organization: 'o', scopes: ['a'], policy: denyAll }))).toBe(why);
    expect(evaluateRequirement(guest, parse({ allowGuest: true }))).toBeUndefined();
    expect((await evaluateRequirement(guest, parse({ allowGuest: true, policy: denyAll })))?.code).toBe('guest_not_allowed');
    expect((await evaluateRequirement(guest, parse({ allowGuest: true, scopes: ['a'] })))?.code).toBe('guest_not_allowed');
  });

  it('is synchronous without a policy or an asynchronous resolver', () => {
    expect(evaluateRequirement(user({ organization_id: 'o' }), parse({ organization: () => 'o', scopes: ['read:posts'] }), { resolveOrganization: (r) => r() })).toBeUndefined();
  });

  it('a resolver that throws or rejects refuses with organization_mismatch, its error as cause', async () => {
    const failing = new Error('lookup failed');
    const sync = evaluateRequirement(user({ organization_id: 'o' }), parse({ organization: () => { throw failing; } }));
    expect(sync).toMatchObject({ code: 'organization_mismatch', cause: failing });
    const rejected = await evaluateRequirement(user({ organization_id: 'o' }), parse({ organization: () => Promise.reject(failing) }));
    expect(rejected).toMatchObject({ code: 'organization_mismatch', cause: failing });
  });

  it('a policy that throws is policy_error (500) with the cause, never policy_denied', async () => {
    const error = await evaluateRequirement(user(), parse({ policy: down }));
    expect(error).toMatchObject({ code: 'policy_error', status: 500, message: 'policy "down" could not be evaluated' });
    expect((error?.cause as Error).message).toBe('database down');
  });

  it('policies see the operation context and arguments, memoised in the given memo', async () => {
    let seen: unknown[] = [];
    const p = definePolicy('p', (_auth, ctx, args) => (seen.push([ctx, args]), true));
    const memo = createPolicyMemo();
    const requirement = parse({ policy: p });
    await evaluateRequirement(user(), requirement, { context: 'ctx', args: () => ({ id: 1 }), memo });
    await evaluateRequirement(user(), requirement, { context: 'ctx', args: async () => ({ id: 1 }), memo });
    expect(seen).toEqual([['ctx', { id: 1 }]]);
    seen = [];
    await evaluateRequirement(user(), requirement, { context: 'ctx', args: () => ({ id: 1 }) });
    expect(seen).toHaveLength(1);
  });
});

describe('organization tokens and API scopes', () => {
  const orgToken = user({ aud: 'urn:logto:organization:org-a', scope: 'admin' });

  it('an organization token’s scopes do not satisfy a requirement that names no organization', async () => {
    expect(orgToken.isOrganizationToken).toBe(true);
    const error = await evaluateRequirement(orgToken, parse({ scopes: ['admin'] }));
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403 });
    expect(error?.message).toContain('organization token');
    expect((await evaluateRequirement(orgToken, parse({ anyScopes: ['admin', 'x'] })))?.code).toBe('insufficient_scope');
    expect(evaluateRequirement(orgToken, parse({}))).toBeUndefined(); // still an authenticated caller
  });

  it('they count where the requirement names the token’s organization', async () => {
    expect(evaluateRequirement(orgToken, parse({ organization: 'org-a', scopes: ['admin'] }))).toBeUndefined();
    expect((await evaluateRequirement(orgToken, parse({ organization: 'org-b', scopes: ['admin'] })))?.code).toBe('organization_mismatch');
    // An API resource token bound to an organization keeps its scopes everywhere.
    expect(evaluateRequirement(user({ organization_id: 'org-a', scope: 'admin' }), parse({ scopes: ['admin'] }))).toBeUndefined();
  });
});
