import { buildGuestCookieHeader, type AuthContext } from 'logto-authkit';

/**
 * `response` with the guest cookie appended when `auth` is a guest whose id was
 * made for this request. `Secure` follows the request's own scheme. A response
 * with immutable headers (`Response.redirect`, a proxied `fetch` answer) is
 * copied rather than failing.
 *
 * @example
 * ```ts
 * return withGuestCookie(await handler(request), auth, request, 'guest_logto_authtoken')
 * ```
 */
export function withGuestCookie(response: Response, auth: AuthContext<unknown>, request: Request, cookieName: string): Response {
  if (auth.status !== 'guest' || !auth.isNewGuest) return response;
  const cookie = buildGuestCookieHeader(auth.guestId, { name: cookieName, secure: new URL(request.url).protocol === 'https:' });
  try {
    response.headers.append('Set-Cookie', cookie);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.append('Set-Cookie', cookie);
    return copy;
  }
}
