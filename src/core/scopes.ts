/**
 * Scopes of a Logto access token: the space-separated `scope` claim
 * (RFC 8693 §4.2, RFC 9068 §2.2.3). Logto omits the claim when nothing was
 * granted and may send `""` on organization tokens: both mean none.
 *
 * @example
 * ```ts
 * parseScopes('read:posts write:posts') // ['read:posts', 'write:posts']
 * parseScopes(undefined)                // []
 * ```
 */
export function parseScopes(scope: unknown): string[] {
  if (typeof scope !== 'string' || scope === '') return [];
  return scope.split(' ').filter((s) => s !== '');
}

/**
 * The scopes of `required` that `granted` lacks, matched as whole words, so
 * `read` never matches `read:all` (a substring match would grant it).
 *
 * @example
 * ```ts
 * missingScopes(['read:all'], ['read']) // ['read']
 * ```
 */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  if (required.length === 0) return [];
  const set = new Set(granted);
  return required.filter((s) => !set.has(s));
}

/**
 * Whether `granted` holds at least one of `anyOf` (an empty list is satisfied).
 *
 * @example
 * ```ts
 * hasAnyScope(['read'], ['read', 'admin']) // true
 * ```
 */
export function hasAnyScope(granted: readonly string[], anyOf: readonly string[]): boolean {
  if (anyOf.length === 0) return true;
  const set = new Set(granted);
  return anyOf.some((s) => set.has(s));
}
