import { resolveKit, type AuthContext, type KitOrOptions } from 'logto-authkit';

/**
 * A one-shot check for a Next.js request (route handler, server
 * action with `headers()`, proxy): resolves to the auth context, rejects with
 * an `AuthError` when there is no valid token and `allowGuest` is off. Calls
 * with equal options share one kit (key set and token cache).
 *
 * @example
 * ```ts
 * export async function GET(request: Request) {
 *   try {
 *     const auth = await verifyNextAuth(request, { logtoUrl: process.env.LOGTO_URL!, audience: 'https://api.example.com' })
 *     return Response.json({ userId: auth.userId })
 *   } catch (error) {
 *     if (isAuthError(error)) return authErrorToResponse(error)
 *     throw error
 *   }
 * }
 * ```
 */
export function verifyNextAuth<TClaims = Record<string, unknown>>(
  request: Request | { headers: Headers },
  options: KitOrOptions<TClaims>,
): Promise<AuthContext<TClaims>> {
  return resolveKit(options).verifyAuth(request);
}
