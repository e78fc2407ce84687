import type { AuthenticatedContext } from './context.js';
import { AuthError } from './errors.js';
import type { PolicyMemo } from './policy-memo.js';

/** A named authorization rule, shared by tRPC `requireAuth({ policy })`, GraphQL `@auth(policy:)`, Express and Next.js. */
export interface Policy<TCtx = unknown, TArgs = unknown> {
  readonly name: string;
  /**
   * Run the rule, unmemoised: `true` only when the rule returned exactly `true`.
   * Rejects when the rule throws (its data source is down), so an outage is
   * never read as "forbidden". Memoisation belongs to the operation: see `createPolicyMemo`.
   */
  check(auth: AuthenticatedContext<unknown>, ctx: TCtx, args: TArgs): Promise<boolean>;
}

type Rule<TCtx, TArgs> = (auth: AuthenticatedContext<unknown>, ctx: TCtx, args: TArgs) => boolean | Promise<boolean>;

/**
 * Define a named policy. A rule that returns anything but `true` denies (a bug
 * in a rule never grants access); a rule that throws is a server fault:
 * adapters answer `policy_error` (500), never 403.
 *
 * @example
 * ```ts
 * const isOwner = definePolicy('isOwner', (auth, _ctx, args: { id: string }) => auth.userId === args.id)
 * ```
 */
export function definePolicy<TCtx = unknown, TArgs = unknown>(name: string, rule: Rule<TCtx, TArgs>): Policy<TCtx, TArgs> {
  if (typeof name !== 'string' || !/^[A-Za-z_][\w:.-]*$/.test(name)) throw new TypeError(`logto-authkit: policy name ${JSON.stringify(name)} must be an identifier`);
  if (typeof rule !== 'function') throw new TypeError(`logto-authkit: policy "${name}" needs a rule function`);
  return Object.freeze({
    name,
    async check(auth: AuthenticatedContext<unknown>, ctx: TCtx, args: TArgs): Promise<boolean> {
      return (await rule(auth, ctx, args)) === true;
    },
  });
}

/**
 * Whether `value` has the shape of a {@link Policy} (a name and a `check` function).
 *
 * @example
 * ```ts
 * if (!isPolicy(options.policy)) throw new TypeError('policy must come from definePolicy()')
 * ```
 */
export function isPolicy(value: unknown): value is Policy<never, never> {
  return typeof value === 'object' && value !== null && typeof (value as Policy).name === 'string' && typeof (value as Policy).check === 'function';
}

/**
 * Run `policy` (through `memo` when given) and return its refusal: `policy_denied`
 * (403) when the rule says no, `policy_error` (500, the thrown error as `cause`)
 * when it throws, `undefined` when it admits.
 *
 * @example
 * ```ts
 * const error = await policyError(isOwner, auth, ctx, { id }, createPolicyMemo())
 * ```
 */
export async function policyError<TCtx, TArgs>(
  policy: Policy<TCtx, TArgs>,
  auth: AuthenticatedContext<unknown>,
  ctx: TCtx,
  args: TArgs,
  memo?: PolicyMemo,
): Promise<AuthError | undefined> {
  let admitted: boolean;
  try {
    admitted = await (memo ? memo.check(policy, auth, ctx, args) : policy.check(auth, ctx, args));
  } catch (cause) {
    return new AuthError('policy_error', `policy "${policy.name}" could not be evaluated`, { cause });
  }
  return admitted ? undefined : new AuthError('policy_denied', `denied by policy "${policy.name}"`);
}
