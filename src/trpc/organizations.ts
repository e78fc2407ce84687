/**
 * Organization (tenant) binding for tRPC procedures. The organization a call
 * addresses comes from the caller (usually the input); it grants nothing by
 * itself: Logto puts memberships in the ID token, not the access token, so the
 * only proof is the token's own `organization_id` (or an organization token's
 * audience). The comparison is the core's `evaluateRequirement`, which runs the
 * resolver with `{ input, ctx }`.
 */
import type { AuthContext, AuthenticatedContext } from 'logto-authkit';

/** An authenticated `ctx.auth` bound to an organization: `organizationId` is a `string`. */
export type OrganizationAuth<TClaims = Record<string, unknown>> = AuthenticatedContext<TClaims> & { organizationId: string };

/** What an {@link OrganizationResolver} receives. */
export interface OrganizationSource<TContext = { auth: AuthenticatedContext<unknown> }> {
  /**
   * The procedure's input: parsed when the middleware runs after `.input()`,
   * otherwise the raw, unvalidated input (so read it defensively).
   */
  input: unknown;
  /** The procedure's context; `ctx.auth` is authenticated here. */
  ctx: TContext;
}

/**
 * Names the organization a call addresses. Returning `undefined` or `''`, or
 * throwing, refuses the call with `organization_mismatch`: never access.
 */
export type OrganizationResolver<TContext = { auth: AuthenticatedContext<unknown> }> = (
  source: OrganizationSource<TContext>,
) => string | undefined | Promise<string | undefined>;

/**
 * A resolver reading the string field `key` of an object input, the usual way
 * an organization-scoped procedure names its tenant (`{ orgId }`).
 *
 * @example
 * ```ts
 * const orgProcedure = organizationProcedure({ organizationId: organizationFromInput('orgId') })
 * orgProcedure.input(z.object({ orgId: z.string() })).query(({ ctx }) => ctx.auth.organizationId)
 * ```
 */
export function organizationFromInput(key: string): OrganizationResolver<unknown> {
  if (typeof key !== 'string' || key === '') throw new TypeError('logto-authkit/trpc: organizationFromInput expects the name of an input field');
  return ({ input }) => {
    if (typeof input !== 'object' || input === null || !Object.hasOwn(input, key)) return undefined;
    const value: unknown = (input as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
}

/**
 * Throws a `TypeError` when `value` is given but is not a function (checked
 * when the router is built, so a typo never opens a procedure).
 *
 * @example
 * ```ts
 * assertResolver(options.organization, 'requireAuth option "organization"')
 * ```
 */
export function assertResolver(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`logto-authkit/trpc: ${what} must be a function ({ input, ctx }) => organization id`);
  }
}

/** Options of `organizationProcedure` (from `createAuthProcedures`). */
export interface OrganizationProcedureOptions<TContext> {
  /** Names the organization the call addresses, e.g. `organizationFromInput('orgId')`. */
  organizationId: OrganizationResolver<Omit<TContext, 'auth'> & { auth: AuthenticatedContext<ClaimsOf<TContext>> }>;
  /** All of these scopes (Logto grants them through the caller's organization roles). @default [] */
  scopes?: readonly string[];
  /** At least one of these scopes. @default [] */
  anyScopes?: readonly string[];
}

type ClaimsOf<TContext> = TContext extends { auth: AuthContext<infer C> } ? C : Record<string, unknown>;
