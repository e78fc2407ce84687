// Which refusals name the RFC 9728 metadata document in their challenge. The kit marks
// what it hands out (contexts, errors); errors derived from a context later (a missing
// scope, a guest refused) inherit the mark, so one kit option reaches every adapter's
// `WWW-Authenticate` without any adapter knowing of it. A WeakMap, not a field: the
// authenticated contexts are frozen and shared through the token cache.

const metadataUrls = new WeakMap<object, string>();

/**
 * Mark `target` (a context or an error) as coming from a kit whose metadata document is `url`.
 *
 * @example
 * ```ts
 * markResourceMetadata(auth.error, 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp')
 * ```
 */
export function markResourceMetadata<T>(target: T, url: string | undefined): T {
  if (url !== undefined && typeof target === 'object' && target !== null) metadataUrls.set(target, url);
  return target;
}

/**
 * The metadata URL `target` was marked with.
 *
 * @example
 * ```ts
 * resourceMetadataOf(error) // 'https://…/.well-known/oauth-protected-resource/mcp' or undefined
 * ```
 */
export function resourceMetadataOf(target: object): string | undefined {
  return metadataUrls.get(target);
}

/**
 * Give `derived` (an error decided from `source`, a context) the mark of `source`.
 *
 * @example
 * ```ts
 * return inheritResourceMetadata(auth, new AuthError('insufficient_scope', 'missing read'))
 * ```
 */
export function inheritResourceMetadata<T>(source: object, derived: T): T {
  return markResourceMetadata(derived, metadataUrls.get(source));
}

/**
 * `run` with its result, the result's `error` and its rejection marked with `url`; `run` itself
 * when `url` is undefined (no cost for a kit without the option).
 *
 * @example
 * ```ts
 * const createAuthContext = marking(options.resourceMetadataUrl, buildAuthContext)
 * ```
 */
export function marking<TInput, TResult extends { error?: unknown }>(url: string | undefined, run: (input: TInput) => Promise<TResult>): (input: TInput) => Promise<TResult> {
  if (url === undefined) return run;
  return async (input) => {
    try {
      const result = await run(input);
      markResourceMetadata(result.error, url);
      return markResourceMetadata(result, url);
    } catch (error) {
      throw markResourceMetadata(error, url);
    }
  };
}
