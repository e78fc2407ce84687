import type { AuthContext } from './context.js';
import type { AuthKitOptions } from './options.js';
import type { AuthInput } from './request.js';
import { withSharedKit } from './kit-registry.js';

export { kitFor } from './kit-registry.js';

/**
 * Verify a request in one call: resolves to the auth context, rejects with an
 * `AuthError` when there is no valid token and `allowGuest` is off (with it,
 * resolves to a guest context). Calls with equal options reuse one kit: plain
 * data is compared by value, stores, schemas and functions by identity.
 *
 * @example
 * ```ts
 * const auth = await verifyAuth(request, { logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' })
 * ```
 */
export function verifyAuth<TClaims = Record<string, unknown>>(input: AuthInput, options: AuthKitOptions<TClaims>): Promise<AuthContext<TClaims>> {
  return withSharedKit(options, (kit) => kit.verifyAuth(input));
}
