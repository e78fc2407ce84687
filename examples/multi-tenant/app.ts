/**
 * A multi-tenant tRPC API: every procedure under `organizations` addresses one
 * organization (`orgId` in its input) and admits only a token Logto bound to
 * that organization (requested with `organization_id`), holding the scopes the
 * caller's organization role grants. The client-sent `orgId` alone proves nothing:
 * Logto puts memberships in the ID token, never in the access token.
 */
import type { AddressInfo } from 'node:net';
import { initTRPC, TRPCError } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import type { AuthKit } from 'logto-authkit';
import { authResponseMeta, createAuthProcedures, createTRPCContext, findAuthError, organizationFromInput } from 'logto-authkit/trpc';
import { z } from 'zod';

interface Organization {
  name: string;
  members: { userId: string; role: 'admin' | 'viewer' }[];
  projects: { id: string; name: string; createdBy: string }[];
}

/** The example's tenants; a real API keeps them in its database, keyed by Logto organization id. */
function seed(): Map<string, Organization> {
  return new Map([
    ['acme', { name: 'Acme', members: [{ userId: 'alice', role: 'admin' }, { userId: 'bob', role: 'viewer' }], projects: [{ id: 'p1', name: 'Anvil', createdBy: 'alice' }] }],
    ['globex', { name: 'Globex', members: [{ userId: 'carol', role: 'admin' }], projects: [] }],
  ]);
}

/**
 * The router over a fresh in-memory store.
 *
 * @example
 * ```ts
 * const { router, createContext } = buildMultiTenantRouter(kit)
 * ```
 */
export function buildMultiTenantRouter(kit: AuthKit) {
  const store = seed();
  const createContext = createTRPCContext(kit);
  const t = initTRPC.context<typeof createContext>().create({
    // The AuthError code next to tRPC's: lets a client tell "wrong organization" from "missing scope".
    errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, reason: findAuthError(error)?.code } }),
  });
  const { protectedProcedure, organizationProcedure } = createAuthProcedures(t);
  // The organization comes from the input; organizationProcedure compares it with the token's.
  const inOrganization = (...scopes: string[]) => organizationProcedure({ organizationId: organizationFromInput('orgId'), scopes });
  const orgInput = z.object({ orgId: z.string().min(1) });
  const organizationOf = (id: string): Organization => {
    const organization = store.get(id);
    if (!organization) throw new TRPCError({ code: 'NOT_FOUND', message: `no organization ${id}` });
    return organization;
  };

  const router = t.router({
    health: t.procedure.query(() => ({ ok: true })),
    me: protectedProcedure.query(({ ctx }) => ({ userId: ctx.auth.userId, organizationId: ctx.auth.organizationId ?? null, scopes: ctx.auth.scopes })),
    organizations: t.router({
      members: t.router({
        list: inOrganization('read:members')
          .input(orgInput)
          .query(({ ctx }) => organizationOf(ctx.auth.organizationId).members),
      }),
      projects: t.router({
        list: inOrganization('read:projects')
          .input(orgInput)
          .query(({ ctx }) => organizationOf(ctx.auth.organizationId).projects),
        create: inOrganization('write:projects')
          .input(orgInput.extend({ name: z.string().min(1).max(100) }))
          .mutation(({ ctx, input }) => {
            // ctx.auth.organizationId is a string here, and equal to input.orgId.
            const organization = organizationOf(ctx.auth.organizationId);
            const project = { id: `p${organization.projects.length + 1}-${ctx.auth.organizationId}`, name: input.name, createdBy: ctx.auth.userId };
            organization.projects.push(project);
            return project;
          }),
      }),
    }),
  });
  return { router, createContext };
}

/** The example's router type, for `createTRPCClient<MultiTenantRouter>`. */
export type MultiTenantRouter = ReturnType<typeof buildMultiTenantRouter>['router'];

/** Options of {@link startMultiTenantExample}. */
export interface MultiTenantExampleOptions {
  /** The kit verifying tokens (your tenant's, or one on the test issuer). */
  kit: AuthKit;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
}

/** A running example server. */
export interface MultiTenantExample {
  /** `http://127.0.0.1:<port>`: procedures are at `/<path>`, e.g. `/organizations.members.list`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serve the multi-tenant API with tRPC's standalone adapter.
 *
 * @example
 * ```ts
 * const example = await startMultiTenantExample({ kit, port: 3000 })
 * console.log(example.url)
 * await example.close()
 * ```
 */
export async function startMultiTenantExample({ kit, port = 0 }: MultiTenantExampleOptions): Promise<MultiTenantExample> {
  const { router, createContext } = buildMultiTenantRouter(kit);
  // authResponseMeta: the table's 401/403/503 and WWW-Authenticate on the HTTP response.
  const server = createHTTPServer({ router, createContext, responseMeta: authResponseMeta });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
