import type { AuthContext } from './context.js';
import type { AuthKitOptions } from './options.js';
import type { AuthInput } from './request.js';
import { createAuthKit, type AuthKit } from './kit.js';

// One kit per distinct options, so the one-shot form still shares a key set
// and a token cache across requests instead of fetching the JWKS every call.
const MAX_KITS = 32;
const kits = new Map<string, AuthKit<unknown>>();
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identity(value: object): string {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return `#${id}`;
}

function keyOf(options: object): string {
  return JSON.stringify(options, (key, value: unknown) => {
    if (typeof value === 'function') return identity(value);
    const plain = typeof value === 'object' && value !== null && (Object.getPrototypeOf(value) === Object.prototype || Array.isArray(value));
    // Stores and schemas are compared by identity, plain option objects by value.
    return key !== '' && typeof value === 'object' && value !== null && !plain ? identity(value) : value;
  });
}

/**
 * Verify a request in one call, as the seed's `verifyAuth(request, options)`:
 * resolves to the auth context, rejects with an `AuthError` when there is no
 * valid token and `allowGuest` is off (with it, resolves to a guest context).
 * Calls with equal options reuse one kit.
 *
 * @example
 * ```ts
 * const auth = await verifyAuth(request, { logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' })
 * ```
 */
export function verifyAuth<TClaims = Record<string, unknown>>(input: AuthInput, options: AuthKitOptions<TClaims>): Promise<AuthContext<TClaims>> {
  return kitFor(options).verifyAuth(input);
}

/**
 * The shared kit for `options` (created on first use).
 *
 * @example
 * ```ts
 * const kit = kitFor({ logtoUrl, audience }) // same object for equal options
 * ```
 */
export function kitFor<TClaims>(options: AuthKitOptions<TClaims>): AuthKit<TClaims> {
  const key = keyOf(options);
  let kit = kits.get(key) as AuthKit<TClaims> | undefined;
  if (kit === undefined) {
    kit = createAuthKit(options);
    kits.set(key, kit as AuthKit<unknown>);
    if (kits.size > MAX_KITS) {
      const [oldestKey, oldest] = kits.entries().next().value as [string, AuthKit<unknown>];
      kits.delete(oldestKey);
      oldest.close();
    }
  }
  return kit;
}
