import { initTRPC } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import type { CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import { createAuthKit, definePolicy, type AuthContext, type AuthenticatedContext, type GuestContext } from 'logto-authkit';
import { createAuthProcedures, createTRPCContext, requireAuth } from 'logto-authkit/trpc';
import { describe, expect, expectTypeOf, it } from 'vitest';

// A type test (vitest `typecheck.include` matches `*types.test.ts`): a wrong narrowing
// or an unused expect-error directive fails `vitest run`, and `tsc --noEmit` too.
// The runtime part proves the router builds.
const kit = createAuthKit({ logtoUrl: 'http://127.0.0.1:9', audience: 'https://api.example.test' });
const createContext = createTRPCContext(kit);
const t = initTRPC.context<typeof createContext>().create();
const { protectedProcedure, guestProcedure, scopedProcedure } = createAuthProcedures(t);

describe('tRPC context narrowing (type-level)', () => {
  it('createContext accepts every adapter’s options', () => {
    expectTypeOf(createContext).toBeCallableWith({} as CreateHTTPContextOptions);
    expectTypeOf(createContext).toBeCallableWith({} as CreateWSSContextFnOptions);
    expectTypeOf(createContext).toBeCallableWith({} as FetchCreateContextFnOptions);
    expectTypeOf(createContext).toBeCallableWith({} as CreateExpressContextOptions);
    expectTypeOf<Awaited<ReturnType<typeof createContext>>>().toEqualTypeOf<{ auth: AuthContext }>();
  });

  it('narrows ctx.auth in protected, scoped and guest procedures', () => {
    const router = t.router({
      open: t.procedure.query(({ ctx }) => {
        expectTypeOf(ctx.auth).toEqualTypeOf<AuthContext>();
        // @ts-expect-error userId may be null outside a protected procedure
        const id: string = ctx.auth.userId;
        return id;
      }),
      me: protectedProcedure.query(({ ctx }) => {
        expectTypeOf(ctx.auth).toEqualTypeOf<AuthenticatedContext>();
        expectTypeOf(ctx.auth.userId).toEqualTypeOf<string>();
        expectTypeOf(ctx.auth.expiresAt).toEqualTypeOf<Date>();
        return ctx.auth.userId;
      }),
      write: scopedProcedure('write:posts').mutation(({ ctx }) => {
        expectTypeOf(ctx.auth.userId).toEqualTypeOf<string>();
        return ctx.auth.scopes;
      }),
      cart: guestProcedure.query(({ ctx }) => {
        expectTypeOf(ctx.auth).toEqualTypeOf<AuthenticatedContext | GuestContext>();
        return ctx.auth.status === 'guest' ? ctx.auth.guestId : ctx.auth.userId;
      }),
      custom: t.procedure.use(requireAuth({ anyScopes: ['a', 'b'] })).query(({ ctx }) => {
        expectTypeOf(ctx.auth.userId).toEqualTypeOf<string>();
        return ctx.auth.userId;
      }),
      customGuest: t.procedure.use(requireAuth({ allowGuest: true })).query(({ ctx }) => {
        expectTypeOf(ctx.auth).toEqualTypeOf<AuthenticatedContext | GuestContext>();
        return ctx.auth.status;
      }),
    });
    expect(Object.keys(router._def.procedures)).toHaveLength(6);
  });

  it('keeps the rest of a richer context and typed claims', () => {
    interface Claims {
      tenant: string;
    }
    const richT = initTRPC.context<{ auth: AuthContext<Claims>; db: { name: string } }>().create();
    const rich = createAuthProcedures(richT);
    const policy = definePolicy('sameTenant', (auth, _ctx, input: { tenant: string }) => auth.payload.tenant === input.tenant);
    richT.router({
      a: rich.protectedProcedure.query(({ ctx }) => {
        expectTypeOf(ctx.auth.claims).toEqualTypeOf<Claims>();
        expectTypeOf(ctx.db).toEqualTypeOf<{ name: string }>();
        return ctx.db.name;
      }),
      b: richT.procedure.use(requireAuth<Claims>({ policy })).query(({ ctx }) => {
        expectTypeOf(ctx.auth.claims.tenant).toEqualTypeOf<string>();
        return ctx.auth.claims.tenant;
      }),
    });
    expect(typeof rich.scopedProcedure).toBe('function');
  });
});
