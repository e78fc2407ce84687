import { readBodyLimited } from '../core/read-body.js';

/** Why a back-channel logout request was refused before its token was looked at. */
export interface FormRefusal {
  status: 400 | 405 | 413 | 415;
  description: string;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

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
  if (request.method.toUpperCase() !== 'POST') return { status: 405, description: 'back-channel logout takes POST only' };
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== FORM_TYPE) return { status: 415, description: `back-channel logout takes ${FORM_TYPE} only` };
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBodySize) return { status: 413, description: 'request body is larger than accepted' };
  const bytes = request.body ? await readBodyLimited(request.body, maxBodySize) : new Uint8Array(0);
  if (!bytes) return { status: 413, description: 'request body is larger than accepted' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { status: 400, description: 'request body is not UTF-8' };
  }
  const tokens = new URLSearchParams(text).getAll('logout_token');
  // Two tokens in one request leave it ambiguous which session ended.
  if (tokens.length !== 1 || tokens[0] === '') return { status: 400, description: 'request must carry exactly one logout_token' };
  return { token: tokens[0] as string };
}
