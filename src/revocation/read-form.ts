import { readPostBody, utf8, type BodyRefusal } from './read-post-body.js';

/** Why a back-channel logout request was refused before its token was looked at. */
export type FormRefusal = BodyRefusal;

/**
 * Take the `logout_token` out of a back-channel logout request: only `POST`
 * (405 otherwise), only `application/x-www-form-urlencoded` (415; §2.5 of
 * OIDC Back-Channel Logout 1.0), at most `maxBodySize` bytes (413), exactly
 * one `logout_token` field (400).
 *
 * @example
 * ```ts
 * const form = await readLogoutForm(request, 32_768)
 * if ('status' in form) return refuse(form)
 * ```
 */
export async function readLogoutForm(request: Request, maxBodySize: number): Promise<{ token: string } | FormRefusal> {
  const body = await readPostBody(request, { type: 'application/x-www-form-urlencoded', maxBodySize, what: 'back-channel logout' });
  if ('status' in body) return body;
  const text = utf8(body.bytes);
  if (text === undefined) return { status: 400, description: 'request body is not UTF-8' };
  const tokens = new URLSearchParams(text).getAll('logout_token');
  // Two tokens in one request leave it ambiguous which session ended.
  if (tokens.length !== 1 || tokens[0] === '') return { status: 400, description: 'request must carry exactly one logout_token' };
  return { token: tokens[0] as string };
}
