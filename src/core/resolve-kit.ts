import type { AuthKit } from './kit.js';
import type { AuthKitOptions } from './options.js';
import { kitFor } from './kit-registry.js';

/** A kit, or the options to get the shared kit for (`kitFor`). */
export type KitOrOptions<TClaims = Record<string, unknown>> = AuthKit<TClaims> | AuthKitOptions<TClaims>;

const isKit = <TClaims>(value: KitOrOptions<TClaims>): value is AuthKit<TClaims> =>
  typeof (value as Partial<AuthKit<TClaims>>).createAuthContext === 'function';

/**
 * The kit itself, or the shared kit for options: equal options share one key
 * set and token cache however many middlewares are built from them, and the
 * registry never closes a kit it handed out here.
 *
 * @example
 * ```ts
 * const kit = resolveKit({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' })
 * ```
 */
export function resolveKit<TClaims>(value: KitOrOptions<TClaims>): AuthKit<TClaims> {
  if (typeof value !== 'object' || value === null) throw new TypeError('logto-authkit: expected an auth kit or its options');
  return isKit(value) ? value : kitFor(value);
}
