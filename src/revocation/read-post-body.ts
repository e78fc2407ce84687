import { readBodyLimited } from '../core/read-body.js';

/** Why a receiver refused a request before looking at what it carries. */
export interface BodyRefusal {
  status: 400 | 405 | 413 | 415;
  description: string;
}

/** What {@link readPostBody} accepts. */
export interface PostBodyRules {
  /** The one media type accepted (parameters such as `charset` are ignored). */
  type: string;
  /** Largest body in bytes. */
  maxBodySize: number;
  /** The receiver's name in refusals, e.g. `'back-channel logout'`. */
  what: string;
}

/**
 * The raw body of a receiver's POST: only `POST` (405 otherwise), only
 * `rules.type` (415), at most `rules.maxBodySize` bytes, counted as they arrive
 * (413). The bytes are exactly those received: a signature over the raw body
 * (Logto webhooks) is checked on them.
 *
 * @example
 * ```ts
 * const body = await readPostBody(request, { type: 'application/json', maxBodySize: 524_288, what: 'Logto webhook' })
 * if ('status' in body) return refuse(body)
 * ```
 */
export async function readPostBody(request: Request, rules: PostBodyRules): Promise<{ bytes: Uint8Array<ArrayBuffer> } | BodyRefusal> {
  if (request.method.toUpperCase() !== 'POST') return { status: 405, description: `${rules.what} takes POST only` };
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== rules.type) return { status: 415, description: `${rules.what} takes ${rules.type} only` };
  const tooLarge = { status: 413, description: 'request body is larger than accepted' } as const;
  if (Number(request.headers.get('content-length') ?? '0') > rules.maxBodySize) return tooLarge;
  const bytes = request.body ? await readBodyLimited(request.body, rules.maxBodySize) : new Uint8Array(0);
  return bytes ? { bytes } : tooLarge;
}

/**
 * The body as UTF-8 text, or `undefined` when it is not valid UTF-8.
 *
 * @example
 * ```ts
 * const text = utf8(bytes) // undefined for a lone 0xff
 * ```
 */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
