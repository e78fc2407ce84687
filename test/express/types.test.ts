import type { AuthContext } from 'logto-authkit';
import type { RequestHandler } from 'express';
import express from 'express';
import { authMiddleware, requireAuth, type RequireAuthOptions } from 'logto-authkit/express';
import { describe, expect, expectTypeOf, it } from 'vitest';

// A type test (vitest `typecheck.include` matches `*types.test.ts`): a wrong type or an
// unused expect-error directive fails `vitest run`, and `tsc --noEmit` too. The runtime
// part proves the file loads.
describe('declaration merging', () => {
  it('types req.auth on every Express request as AuthContext | undefined', () => {
    const handler: RequestHandler = (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<AuthContext | undefined>();
      if (req.auth?.status === 'authenticated') expectTypeOf(req.auth.userId).toEqualTypeOf<string>();
      res.end();
    };
    expectTypeOf<express.Request['auth']>().toEqualTypeOf<AuthContext | undefined>();
    expectTypeOf(authMiddleware).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireAuth).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf<RequireAuthOptions>().toHaveProperty('anyScopes');
    // @ts-expect-error scopes is a list, not one string (and from JavaScript, a TypeError at creation)
    expect(() => requireAuth({ scopes: 'write:posts' })).toThrow(TypeError);
    expectTypeOf(handler).toBeFunction();
  });
});
