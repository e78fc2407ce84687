import { initTRPC } from '@trpc/server';
import { createAuthKit, type AuthContext, type AuthenticatedContext } from 'logto-authkit';
import { createAuthProcedures, createTRPCContext, organizationFromInput, requireAuth, type OrganizationAuth } from 'logto-authkit/trpc';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

// A type test (vitest `typecheck.include` matches `*types.test.ts`): a wrong narrowing
// or an unused expect-error directive fails `vitest run`, and `tsc --noEmit` too.
// The runtime part proves the routers build.
const kit = createAuthKit({ logtoUrl: 'http://127.0.0.1:9', audience: 'https://api.example.test' });
const createContext = createTRPCContext(kit);
const t = initTRPC.context<typeof createContext>().create();
const { organizationProcedure } = createAuthProcedures(t);

describe('organization narrowing (type-level)', () => {
  it('organizationProcedure and requireAuth({ organization }) type organizationId as string', () => {
    const router = t.router({
      viaProcedure: organizationProcedure({ organizationId: organizationFromInput('orgId'), scopes: ['read:projects'] })
        .input(z.object({ orgId: z.string() }))
        .query(({ ctx, input }) => {
          expectTypeOf(ctx.auth).toEqualTypeOf<OrganizationAuth>();
          expectTypeOf(ctx.auth.organizationId).toEqualTypeOf<string>();
          expectTypeOf(ctx.auth.userId).toEqualTypeOf<string>();
          return input.orgId;
        }),
      viaMiddleware: t.procedure
        .input(z.object({ orgId: z.string() }))
        .use(
          requireAuth({
            organization: ({ input, ctx }) => {
              expectTypeOf(input).toEqualTypeOf<unknown>();
              expectTypeOf(ctx.auth).toEqualTypeOf<AuthenticatedContext>();
              return (input as { orgId: string }).orgId;
            },
          }),
        )
        .query(({ ctx }) => {
          expectTypeOf(ctx.auth.organizationId).toEqualTypeOf<string>();
          return ctx.auth.organizationId;
        }),
      viaHelper: t.procedure.use(requireAuth({ organization: organizationFromInput('orgId'), anyScopes: ['a', 'b'] })).query(({ ctx }) => {
        expectTypeOf(ctx.auth).toEqualTypeOf<OrganizationAuth>();
        return ctx.auth.organizationId;
      }),
      without: t.procedure.use(requireAuth({ scopes: ['a'] })).query(({ ctx }) => {
        expectTypeOf(ctx.auth.organizationId).toEqualTypeOf<string | undefined>();
        return ctx.auth.userId;
      }),
    });
    expect(Object.keys(router._def.procedures)).toHaveLength(4);
  });

  it('the resolver sees the rest of a richer context', () => {
    const richT = initTRPC.context<{ auth: AuthContext; db: { orgOfProject(id: string): string } }>().create();
    const rich = createAuthProcedures(richT);
    const procedure = rich.organizationProcedure({
      organizationId: ({ ctx, input }) => {
        expectTypeOf(ctx.db.orgOfProject).toEqualTypeOf<(id: string) => string>();
        expectTypeOf(ctx.auth.userId).toEqualTypeOf<string>();
        return ctx.db.orgOfProject(String((input as { projectId?: unknown }).projectId));
      },
    });
    richT.router({ p: procedure.query(({ ctx }) => ctx.auth.organizationId) });
    expect(typeof procedure.query).toBe('function');
  });

  it('refuses wrong option types at compile time', () => {
    // @ts-expect-error organizationId must be a resolver function, not the id itself
    expect(() => organizationProcedure({ organizationId: 'org-a' })).toThrow(TypeError);
    // @ts-expect-error the resolver must return a string (or undefined)
    expect(() => requireAuth({ organization: () => 42 })).not.toThrow();
  });
});
