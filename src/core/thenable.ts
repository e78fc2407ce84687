/**
 * Whether `value` is a thenable: a promise of any realm or library (a `vm` context, a worker,
 * Bluebird, a query builder). `instanceof Promise` sees only this realm's promises, and an answer
 * taken for a plain value where a promise was meant is read as a result it is not.
 *
 * @example
 * ```ts
 * isThenable(store.getRevokedAt(sub, iss)) // true for any promise-like answer
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
