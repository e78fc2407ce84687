import { describe, expect, it } from 'vitest';
import { authorize, organizationError } from '../../src/core/authorize.js';
import { anonymousContext, authenticatedContext, guestContext } from '../../src/core/build-context.js';
import { AuthError } from '../../src/core/errors.js';

const exp = Math.floor(Date.now() / 1000) + 3600;
const user = (payload: Record<string, unknown> = {}) => {
  const p = { sub: 'u1', client_id: 'c', exp, scope: 'read:posts write:posts', ...payload };
  return authenticatedContext('t', p, p, String(p.scope ?? '').split(' ').filter(Boolean));
};
const guest = guestContext({ guestId: '5f1d7a38-9a8e-4f5e-9a57-1c2f0c7d8e90', isNewGuest: false });

describe('authorize', () => {
  it('lets an authenticated caller with the scopes through', () => {
    expect(authorize(user(), { scopes: ['read:posts'] })).toBeUndefined();
    expect(authorize(user(), { anyScopes: ['admin', 'write:posts'] })).toBeUndefined();
  });
  it('403 insufficient_scope names the missing scopes (whole words)', () => {
    const error = authorize(user({ scope: 'read:posts:all' }), { scopes: ['read:posts'] });
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403 });
    expect(error?.message).toContain('read:posts');
    expect(authorize(user(), { anyScopes: ['admin'] })?.code).toBe('insufficient_scope');
  });
  it('anonymous callers get their own error back', () => {
    const why = new AuthError('token_expired', 'token has expired');
    expect(authorize(anonymousContext(why))).toBe(why);
  });
  it('guests pass only where allowed and nothing else is required', () => {
    expect(authorize(guest, { allowGuest: true })).toBeUndefined();
    expect(authorize(guest)?.code).toBe('guest_not_allowed');
    expect(authorize(guest, { allowGuest: true, scopes: ['read:posts'] })?.code).toBe('guest_not_allowed');
    expect(authorize(guest, { allowGuest: true, organization: 'o1' })?.code).toBe('guest_not_allowed');
  });
  it('organization: bound token passes, another organization or none is organization_mismatch (403)', () => {
    expect(authorize(user({ organization_id: 'o1' }), { organization: 'o1', scopes: ['read:posts'] })).toBeUndefined();
    expect(authorize(user({ organization_id: 'o2' }), { organization: 'o1' })).toMatchObject({ code: 'organization_mismatch', status: 403 });
    expect(authorize(user(), { organization: 'o1' })?.code).toBe('organization_mismatch');
    expect(authorize(user({ aud: 'urn:logto:organization:o1' }), { organization: 'o1' })).toBeUndefined();
  });
  it('an empty or non-string addressed organization never grants access', () => {
    const bound = user({ organization_id: 'o1' });
    expect(organizationError(bound, '')?.code).toBe('organization_mismatch');
    expect(organizationError(bound, undefined)?.code).toBe('organization_mismatch');
    expect(organizationError(bound, 42)?.code).toBe('organization_mismatch');
  });
  it('an organization token’s scopes count only where its organization is addressed', () => {
    const orgToken = user({ aud: 'urn:logto:organization:o1', scope: 'admin' });
    expect(authorize(orgToken, { scopes: ['admin'] })?.code).toBe('insufficient_scope');
    expect(authorize(orgToken, { organization: 'o1', scopes: ['admin'] })).toBeUndefined();
  });
});
