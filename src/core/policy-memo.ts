import type { AuthenticatedContext } from './context.js';
import type { Policy } from './policies.js';

/**
 * The policy results of one operation (one tRPC call, one GraphQL operation
 * execution, one subscription event, one HTTP request). Create one per
 * operation and drop it afterwards: a result never outlives the operation that
 * computed it, so a connection that lasts sees the application's data as it is now.
 */
export interface PolicyMemo {
  /** Run `policy` at most once per caller and arguments in this operation; rejects when the rule throws. */
  check<TCtx, TArgs>(policy: Policy<TCtx, TArgs>, auth: AuthenticatedContext<unknown>, ctx: TCtx, args: TArgs): Promise<boolean>;
  /** How many results are held. */
  readonly size: number;
}

/** Options of {@link createPolicyMemo}. */
export interface PolicyMemoOptions {
  /** Results held at most; past it, rules run unmemoised (one operation cannot grow memory without bound). @default 1000 */
  maxEntries?: number;
}

// Enough for a page of list items sharing a rule; small enough that one operation stays cheap.
const DEFAULT_POLICY_MEMO_ENTRIES = 1000;

function argsKey(args: unknown): string | undefined {
  try {
    return JSON.stringify(args) ?? 'undefined';
  } catch {
    return undefined; // cyclic or BigInt arguments: not memoised
  }
}

/**
 * A capped memo for the policies of one operation.
 *
 * @throws TypeError when `maxEntries` is not a non-negative integer.
 * @example
 * ```ts
 * const memo = createPolicyMemo()
 * await memo.check(isOwner, auth, ctx, { id: 'p1' }) // runs the rule
 * await memo.check(isOwner, auth, ctx, { id: 'p1' }) // same operation: the same answer, no second run
 * ```
 */
export function createPolicyMemo(options: PolicyMemoOptions = {}): PolicyMemo {
  const max = options.maxEntries ?? DEFAULT_POLICY_MEMO_ENTRIES;
  if (!Number.isSafeInteger(max) || max < 0) throw new TypeError('logto-authkit: createPolicyMemo option "maxEntries" must be a non-negative integer');
  // Keyed by the policy object, not its name: two policies may share a name outside GraphQL.
  const results = new Map<Policy<never, never>, Map<string, Promise<boolean>>>();
  let size = 0;
  return {
    get size() {
      return size;
    },
    check(policy, auth, ctx, args) {
      const key = argsKey(args);
      if (key === undefined) return policy.check(auth, ctx, args);
      const slot = `${auth.userId}\u0000${key}`;
      const byArgs = results.get(policy as Policy<never, never>);
      const known = byArgs?.get(slot);
      if (known) return known;
      const result = policy.check(auth, ctx, args);
      if (size >= max) return result;
      if (byArgs) byArgs.set(slot, result);
      else results.set(policy as Policy<never, never>, new Map([[slot, result]]));
      size++;
      return result;
    },
  };
}
