/**
 * The auth middleware and the procedures built on it. Every decision is the
 * core's `evaluateRequirement` (caller, organization, scopes, policy, in that
 * order); this file only reads the call's input and turns the verdict into a `TRPCError`.
 */
import { TRPCError, type TRPCMiddlewareFunction, type TRPCProcedureBuilder, type TRPCUnsetMarker } from '@trpc/server';
import { createPolicyMemo, evaluateRequirement, parseRequirement, type RequirementOutcome, type AuthContext, type AuthenticatedContext, type GuestContext, type Policy, type PolicyMemo, type ScopeRequirement } from 'logto-authkit';
import { toTRPCError } from './errors.js';
import { assertResolver, type OrganizationAuth, type OrganizationProcedureOptions, type OrganizationResolver } from './organizations.js';
import { currentAuthError, untilTokenExpires } from './subscriptions.js';

/** What a procedure requires. */
export interface RequireAuthOptions<TClaims = Record<string, unknown>> {
  /** All of these scopes, or one of several sets in full (`[['read:a', 'read:b'], ['admin']]`). @default [] */
  scopes?: ScopeRequirement;
  /** At least one of these scopes. @default [] */
  anyScopes?: readonly string[];
  /** Let guests through (only when no scopes are required). @default false */
  allowGuest?: boolean;
  /**
   * A rule from `definePolicy`; it gets `(ctx.auth, ctx, input)` after the organization and scope
   * checks. Its result is kept for this call only; a rule that throws is `INTERNAL_SERVER_ERROR`
   * (`policy_error`). Guests never pass a policy. @default undefined
   */
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

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

// One memo per call: tRPC hands every middleware of a call the same `getRawInput`, and a new one to each
// call, so results are shared by the guards of one call and never by two calls on one WebSocket.
const callMemos = new WeakMap<object, PolicyMemo>();
function memoOfCall(call: object): PolicyMemo {
  let memo = callMemos.get(call);
  if (!memo) callMemos.set(call, (memo = createPolicyMemo()));
  return memo;
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
 * The requirement is decided by the core's `evaluateRequirement`: the caller,
 * then the organization, then the scopes, then the policy. The policy's result
 * is kept for this call only (a WebSocket connection re-runs it on every call);
 * a policy that throws is `INTERNAL_SERVER_ERROR` (`policy_error`, the rule's
 * error as the `AuthError`'s `cause`), never `FORBIDDEN`.
 *
 * @throws TypeError at construction for an unknown option, scopes that are not an array of scope
 * names, a non-boolean `allowGuest`, a non-Policy `policy`, a non-function `organization`, or
 * `organization` with `allowGuest`.
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
  // Checked when the router is built, not per request: a typo in a policy or option must fail at start-up, never open a procedure.
  const requirement = parseRequirement<OrganizationResolver<never>>(options, { entry: 'logto-authkit/trpc', name: 'requireAuth', organization: 'resolver' });
  type Granted = Awaited<ReturnType<AuthMiddleware<TClaims, RequiredAuth<TClaims, TOptions>>>>;
  return (opts) => {
    const auth: unknown = isObject(opts.ctx) ? opts.ctx.auth : undefined;
    if (!isObject(auth) || typeof auth.status !== 'string') return Promise.reject(missingContext());
    const ctxAuth = opts.ctx.auth;
    // Before the middleware's `.input()` there is no parsed input yet: read the raw one, once.
    let input: unknown;
    const readInput = async (): Promise<unknown> => (input ??= opts.input !== undefined ? opts.input : await opts.getRawInput());
    const evaluate = (): RequirementOutcome | Promise<RequirementOutcome> =>
      evaluateRequirement(ctxAuth, requirement, {
        resolveOrganization: async (resolve) => (resolve as OrganizationResolver<unknown>)({ input: await readInput(), ctx: opts.ctx }),
        context: opts.ctx,
        args: readInput,
        ...(requirement.policy ? { memo: memoOfCall(opts.getRawInput) } : {}),
      });
    // `ctx.auth` is handed on as it is (the narrowing is the type's): no context object is rebuilt per call.
    const proceed = (error: RequirementOutcome): Promise<Granted> => {
      // A refusal is a rejection, as from an async middleware, for whoever calls it directly.
      if (error) return Promise.reject(toTRPCError(error));
      const next = opts.next() as unknown as Promise<Granted>;
      if (opts.type !== 'subscription' || ctxAuth.status !== 'authenticated') return next;
      return next.then((result) => (result.ok && isAsyncIterable(result.data) ? { ...result, data: untilTokenExpires(ctxAuth, result.data, opts.signal ? { signal: opts.signal } : {}) } : result));
    };
    // Every step answers in this tick when it can (a cached token, no policy): a promise only where one must be waited for.
    // A WebSocket's context was built at connect: each call re-verifies its token (a cache hit).
    try {
      const current = currentAuthError(ctxAuth);
      if (current instanceof Promise) return current.then((error) => (error ? proceed(error) : Promise.resolve(evaluate()).then(proceed)));
      if (current) return proceed(current);
      const outcome = evaluate();
      return outcome instanceof Promise ? outcome.then(proceed) : proceed(outcome);
    } catch (error) {
      // Whatever throws here rejects, as it did from an async middleware.
      return Promise.reject(error);
    }
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
