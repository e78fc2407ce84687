import type { AuthenticatedContext } from './context.js';
import { AuthError } from './errors.js';

/** A named authorization rule, shared by tRPC `requireAuth({ policy })` and GraphQL `@auth(policy:)`. */
export interface Policy<TCtx = unknown, TArgs = unknown> {
  readonly name: string;
  /** Run the rule (memoised per request context and arguments). */
  check(auth: AuthenticatedContext<unknown>, ctx: TCtx, args: TArgs): Promise<boolean>;
}

type Rule<TCtx, TArgs> = (auth: AuthenticatedContext<unknown>, ctx: TCtx, args: TArgs) => boolean | Promise<boolean>;

// Per request context (weakly held), per policy, per serialized arguments.
const memo = new WeakMap<object, Map<string, Promise<boolean>>>();

function argsKey(args: unknown): string | undefined {
  try {
    return JSON.stringify(args) ?? 'undefined';
  } catch {
    return undefined; // cyclic or BigInt arguments: not memoised
  }
}

/**
 * Define a named policy. A rule that throws or returns anything but `true`
 * denies: a bug in a rule never grants access.
 *
 * @example
 * ```ts
 * const isOwner = definePolicy('isOwner', (auth, _ctx, args: { id: string }) => auth.userId === args.id)
 * ```
 */
export function definePolicy<TCtx = unknown, TArgs = unknown>(name: string, rule: Rule<TCtx, TArgs>): Policy<TCtx, TArgs> {
  if (typeof name !== 'string' || !/^[A-Za-z_][\w:.-]*$/.test(name)) throw new TypeError(`logto-authkit: policy name ${JSON.stringify(name)} must be an identifier`);
  if (typeof rule !== 'function') throw new TypeError(`logto-authkit: policy "${name}" needs a rule function`);
  return {
    name,
    check(auth, ctx, args) {
      const run = async (): Promise<boolean> => (await rule(auth, ctx, args)) === true;
      const key = argsKey(args);
      if (typeof ctx !== 'object' || ctx === null || key === undefined) return run().catch(() => false);
      let results = memo.get(ctx);
      if (!results) memo.set(ctx, (results = new Map()));
      const slot = `${name}\u0000${auth.userId}\u0000${key}`;
      let result = results.get(slot);
      if (!result) results.set(slot, (result = run().catch(() => false)));
      return result;
    },
  };
}

/**
 * Run `policy` and return the `policy_denied` error (403) when it refuses.
 *
 * @example
 * ```ts
 * const error = await policyError(isOwner, auth, ctx, { id })
 * ```
 */
export async function policyError<TCtx, TArgs>(policy: Policy<TCtx, TArgs>, auth: AuthenticatedContext<unknown>, ctx: TCtx, args: TArgs): Promise<AuthError | undefined> {
  return (await policy.check(auth, ctx, args)) ? undefined : new AuthError('policy_denied', `denied by policy "${policy.name}"`);
}
