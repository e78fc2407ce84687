/**
 * The auth middleware and the procedures built on it. Every decision is the
 * core's `authorize` (scopes, guests), `organizationError` and `Policy.check`
 * (memoised per request context and input); this file only turns the verdict into a `TRPCError`.
 */
import { TRPCError, type TRPCMiddlewareFunction, type TRPCProcedureBuilder, type TRPCUnsetMarker } from '@trpc/server';
import { AuthError, authorize, policyError, type AuthContext, type AuthenticatedContext, type GuestContext, type Policy } from 'logto-authkit';
import { toTRPCError } from './errors.js';
import { assertResolver, organizationCheck, type OrganizationAuth, type OrganizationProcedureOptions, type OrganizationResolver } from './organizations.js';
import { currentAuthError, untilTokenExpires } from './subscriptions.js';

/** What a procedure requires. */
export interface RequireAuthOptions<TClaims = Record<string, unknown>> {
  /** All of these scopes. @default [] */
  scopes?: readonly string[];
  /** At least one of these scopes. @default [] */
  anyScopes?: readonly string[];
  /** Let guests through (only when no scopes are required). @default false */
  allowGuest?: boolean;
  /** A rule from `definePolicy`; it gets `(ctx.auth, ctx, input)`. Guests never pass a policy. @default undefined */
  policy?: Policy<never, never>;
  /**
   * The organization the call addresses, usually read from the input
   * (`organizationFromInput('orgId')`; `input` is `unknown`). The token must
   * be bound to it (`organization_id`, or an organization token's audience),
   * else FORBIDDEN `organization_mismatch`; so must it when the resolver
   * returns nothing or throws. Guests never pass. @default undefined
   */
  organization?: OrganizationResolver<{ auth: AuthenticatedContext<TClaims> }>;
}

/** The `ctx.auth` a procedure sees after {@link requireAuth}. */
export type RequiredAuth<TClaims, TOptions> = TOptions extends { organization: (...args: never[]) => unknown }
  ? OrganizationAuth<TClaims>
  : TOptions extends { allowGuest: true }
    ? AuthenticatedContext<TClaims> | GuestContext
    : AuthenticatedContext<TClaims>;

/** The middleware {@link requireAuth} returns: usable with `.use()` on any procedure whose context has `auth`. */
export type AuthMiddleware<TClaims, TAuth> = TRPCMiddlewareFunction<{ auth: AuthContext<TClaims> }, object, object, { auth: TAuth }, unknown>;

const KNOWN_OPTIONS = new Set(['scopes', 'anyScopes', 'allowGuest', 'policy', 'organization']);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function scopeList(value: unknown, name: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s !== '' && !/\s/.test(s))) {
    throw new TypeError(`logto-authkit/trpc: requireAuth option "${name}" must be an array of scope names without spaces`);
  }
  return [...value];
}

// Checked when the router is built, not per request: a typo in a policy or
// option must fail at start-up, never open a procedure.
function validate(options: RequireAuthOptions<never>): void {
  if (!isObject(options)) throw new TypeError('logto-authkit/trpc: requireAuth expects an options object');
  for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`logto-authkit/trpc: unknown requireAuth option "${key}"`);
  if (options.allowGuest !== undefined && typeof options.allowGuest !== 'boolean') throw new TypeError('logto-authkit/trpc: requireAuth option "allowGuest" must be a boolean');
  const { policy } = options;
  if (policy !== undefined && !(isObject(policy) && typeof policy.name === 'string' && typeof policy.check === 'function')) {
    throw new TypeError('logto-authkit/trpc: requireAuth option "policy" must be a Policy from definePolicy()');
  }
  assertResolver(options.organization, 'requireAuth option "organization"');
  // A guest belongs to no organization: the combination could only ever refuse.
  if (options.organization !== undefined && options.allowGuest === true) throw new TypeError('logto-authkit/trpc: requireAuth options "organization" and "allowGuest" exclude each other');
}

const missingContext = (): TRPCError =>
  new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'logto-authkit/trpc: ctx.auth is missing; use createTRPCContext(kit) as createContext' });

/**
 * A tRPC middleware that lets a call through only when `ctx.auth` meets the
 * requirement, and narrows `ctx.auth` for what follows. Failures throw
 * `TRPCError` (`UNAUTHORIZED`, `FORBIDDEN`, or `SERVICE_UNAVAILABLE` for
 * `jwks_unavailable`) with the `AuthError` as `cause`. On a WebSocket every
 * call re-verifies the token of the connection (a cache hit), so a token
 * expired or revoked since the socket opened is refused; a subscription's
 * async iterable ends with `UNAUTHORIZED` at `exp + clockTolerance` or when
 * its subject is revoked.
 *
 * @throws TypeError at construction for an unknown option, a non-Policy `policy`, a non-function
 * `organization`, or `organization` with `allowGuest`.
 * @example
 * ```ts
 * const isOwner = definePolicy('isOwner', (auth, _ctx, input: { id: string }) => auth.userId === input.id)
 * const editPost = t.procedure.use(requireAuth({ scopes: ['write:posts'], policy: isOwner }))
 * const orgOnly = t.procedure.use(requireAuth({ organization: organizationFromInput('orgId'), scopes: ['read:projects'] }))
 * ```
 */
export function requireAuth<TClaims = Record<string, unknown>, const TOptions extends RequireAuthOptions<TClaims> = RequireAuthOptions<TClaims>>(
  options: TOptions = {} as TOptions,
): AuthMiddleware<TClaims, RequiredAuth<TClaims, TOptions>> {
  validate(options);
  const requirement = { scopes: scopeList(options.scopes, 'scopes'), anyScopes: scopeList(options.anyScopes, 'anyScopes'), allowGuest: options.allowGuest === true };
  const policy = options.policy as Policy<unknown, unknown> | undefined;
  const organization = options.organization as OrganizationResolver<never> | undefined;
  return async (opts) => {
    const auth: unknown = isObject(opts.ctx) ? opts.ctx.auth : undefined;
    if (!isObject(auth) || typeof auth.status !== 'string') throw missingContext();
    const ctxAuth = opts.ctx.auth;
    // Before the middleware's `.input()` there is no parsed input yet: read the raw one, once.
    let input: unknown;
    const readInput = async (): Promise<unknown> => (input ??= opts.input !== undefined ? opts.input : await opts.getRawInput());
    // A WebSocket's context was built at connect: each call re-verifies its token (a cache hit).
    let error = await currentAuthError(ctxAuth);
    // The organization before scopes, as the core's authorize orders them: "wrong tenant" tells more than "missing scope".
    if (!error && organization && ctxAuth.status === 'authenticated') error = await organizationCheck(organization, ctxAuth, { input: await readInput(), ctx: opts.ctx });
    error ??= authorize(ctxAuth, requirement);
    if (!error && policy) {
      error =
        ctxAuth.status === 'authenticated'
          ? await policyError(policy, ctxAuth, opts.ctx, await readInput())
          : new AuthError('guest_not_allowed', `policy "${policy.name}" needs a signed-in caller`);
    }
    if (error) throw toTRPCError(error);
    const granted = ctxAuth as RequiredAuth<TClaims, TOptions>;
    const result = await opts.next({ ctx: { auth: granted } });
    if (opts.type !== 'subscription' || !result.ok || ctxAuth.status !== 'authenticated' || !isAsyncIterable(result.data)) return result;
    return { ...result, data: untilTokenExpires(ctxAuth, result.data, opts.signal ? { signal: opts.signal } : {}) };
  };
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  isObject(value) && Symbol.asyncIterator in value && typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';

/** A procedure builder from `t.procedure` with `ctx.auth` narrowed to `TAuth`. */
export type AuthProcedure<TContext, TMeta, TErrorShape, TAuth> = TRPCProcedureBuilder<
  TContext,
  TMeta,
  { auth: TAuth },
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  false,
  TErrorShape
>;

type ClaimsOf<TContext> = TContext extends { auth: AuthContext<infer C> } ? C : Record<string, unknown>;

/** What {@link createAuthProcedures} returns. */
export interface AuthProcedures<TContext, TMeta, TErrorShape> {
  /** Authenticated callers only; `ctx.auth` is the authenticated variant. */
  protectedProcedure: AuthProcedure<TContext, TMeta, TErrorShape, AuthenticatedContext<ClaimsOf<TContext>>>;
  /** Authenticated callers or guests (the kit needs `allowGuest: true`). */
  guestProcedure: AuthProcedure<TContext, TMeta, TErrorShape, AuthenticatedContext<ClaimsOf<TContext>> | GuestContext>;
  /** Authenticated callers holding every one of `scopes`. */
  scopedProcedure(...scopes: string[]): AuthProcedure<TContext, TMeta, TErrorShape, AuthenticatedContext<ClaimsOf<TContext>>>;
  /** Authenticated callers whose token is bound to the organization the call addresses (and holding `scopes`); `ctx.auth.organizationId` is a `string`. */
  organizationProcedure(options: OrganizationProcedureOptions<TContext>): AuthProcedure<TContext, TMeta, TErrorShape, OrganizationAuth<ClaimsOf<TContext>>>;
}

/**
 * The ready-made procedures of a tRPC instance whose context comes from
 * `createTRPCContext`.
 *
 * @example
 * ```ts
 * const t = initTRPC.context<typeof createContext>().create()
 * const { protectedProcedure, scopedProcedure, organizationProcedure } = createAuthProcedures(t)
 * const orgWriter = organizationProcedure({ organizationId: organizationFromInput('orgId'), scopes: ['write:projects'] })
 * const router = t.router({
 *   me: protectedProcedure.query(({ ctx }) => ctx.auth.userId),
 *   createPost: scopedProcedure('write:posts').mutation(() => 'created'),
 *   createProject: orgWriter.input(z.object({ orgId: z.string(), name: z.string() })).mutation(({ ctx }) => ctx.auth.organizationId),
 * })
 * ```
 */
export function createAuthProcedures<TContext extends { auth: AuthContext<unknown> }, TMeta extends object, TErrorShape>(t: {
  procedure: TRPCProcedureBuilder<TContext, TMeta, object, TRPCUnsetMarker, TRPCUnsetMarker, TRPCUnsetMarker, TRPCUnsetMarker, false, TErrorShape>;
}): AuthProcedures<TContext, TMeta, TErrorShape> {
  // tRPC's `use` cannot see through a generic context; the middleware's own
  // signature is checked where it is declared, so the builder is narrowed here.
  const base = t.procedure as unknown as { use(fn: unknown): unknown };
  const narrowed = <TAuth>(options: RequireAuthOptions<never>): AuthProcedure<TContext, TMeta, TErrorShape, TAuth> =>
    base.use(requireAuth<never, RequireAuthOptions<never>>(options)) as AuthProcedure<TContext, TMeta, TErrorShape, TAuth>;
  return {
    protectedProcedure: narrowed({}),
    guestProcedure: narrowed({ allowGuest: true }),
    scopedProcedure: (...scopes) => narrowed({ scopes }),
    organizationProcedure: (options) => {
      const { organizationId, ...rest } = isObject(options) ? options : ({} as Partial<typeof options>);
      if (organizationId === undefined) throw new TypeError('logto-authkit/trpc: organizationProcedure needs an "organizationId" resolver');
      assertResolver(organizationId, 'organizationProcedure option "organizationId"');
      return narrowed({ ...rest, organization: organizationId as OrganizationResolver<unknown> });
    },
  };
}
