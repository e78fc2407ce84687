/**
 * What a kid the key set lacks may cause: a refetch, within the refetch budget and not for a kid
 * looked up in vain lately, or a refusal. Decided in the caller's tick (`start` throws or starts
 * the fetch), so a flood of forged kids is refused without a promise per token.
 */
import { createSharedRefusals, refusal, type AuthError } from './errors.js';
import type { KeyStoreObserver } from './events.js';
import type { KidMemory, RefetchBudget } from './jwks-budget.js';
import type { KeyEntry, KeySetLoader } from './jwks-loader.js';

/** What {@link createUnknownKidLookup} works with: the store's loader, budgets and memory. */
export interface UnknownKidLookupParts {
  loader: KeySetLoader;
  /** The shared refetch budget. */
  budget: RefetchBudget;
  /** The small budget of lookups that cannot be asked again (`forceRefetch`). */
  forcedBudget: RefetchBudget;
  /** Kids looked up in vain lately. */
  lookedUp: KidMemory;
  observer: KeyStoreObserver | undefined;
  /** The store's 503 for `message` (with the loader's error and retry time). */
  unavailable: (message: string) => AuthError;
  /** The store's refusal once closed. */
  closed: () => AuthError;
}

/** See {@link createUnknownKidLookup}. */
export interface UnknownKidLookup {
  /** Throw the refusal decided now, or start the refetch (nothing to do while one runs). */
  start(kid: string, force: boolean): void;
  /** The entry of `kid` once the fetch settled, or the refusal. */
  finish(kid: string): Promise<KeyEntry>;
}

const CANNOT_REFRESH = 'the key set cannot be refreshed to find the token key';

/** Seconds for `Retry-After`: at least 1. */
export const retrySeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * Create the lookup of one key store.
 *
 * @example
 * ```ts
 * const unknown = createUnknownKidLookup({ loader, budget, forcedBudget, lookedUp, observer, unavailable, closed })
 * unknown.start(kid, false)
 * const entry = await unknown.finish(kid)
 * ```
 */
export function createUnknownKidLookup({ loader, budget, forcedBudget, lookedUp, observer, unavailable, closed }: UnknownKidLookupParts): UnknownKidLookup {
  // Forged tokens can name any kid: their refusals are made once, not per token.
  const shared = createSharedRefusals();
  const notInSet = (): AuthError => shared('unknown_kid');
  // While the budget is spent, every unknown kid gets the same answer until its Retry-After second
  // changes (or the fetch error it carries does): one frozen refusal, not one per forged token.
  let spent: { error: AuthError; cause: unknown } | undefined;
  const budgetSpent = (): AuthError => {
    const retryAfter = retrySeconds(budget.waitMs());
    if (spent !== undefined && spent.error.retryAfter === retryAfter && spent.cause === loader.lastError) return spent.error;
    const error = refusal('jwks_refetch_cooldown', { message: 'the key set is not refetched for this key id yet', cause: loader.lastError, retryAfter });
    Object.freeze(error);
    spent = { error, cause: loader.lastError };
    return error;
  };
  return {
    start(kid, force) {
      if (loader.inflight !== undefined) return;
      if (lookedUp.has(kid)) {
        observer?.refetchRefused('recently_missing');
        throw notInSet();
      }
      // While Logto cannot be reached, a kid we do not know may be the key it just rotated
      // to: an outage (503), never a bad token (401) that makes clients sign their users out.
      if (loader.retryInMs() > 0) {
        observer?.refetchRefused('cooldown');
        throw unavailable(CANNOT_REFRESH);
      }
      if (!budget.take() && !(force && forcedBudget.take())) {
        observer?.refetchRefused('budget');
        throw budgetSpent();
      }
      void loader.load();
    },
    async finish(kid) {
      await loader.inflight;
      if (loader.closed) throw closed();
      const entry = loader.keys?.get(kid);
      if (entry !== undefined) return entry;
      if (loader.lastError !== undefined) throw unavailable(CANNOT_REFRESH);
      lookedUp.add(kid);
      throw notInSet();
    },
  };
}
