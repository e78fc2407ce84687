/**
 * One bounded fetch of a JSON Web Key Set (RFC 7517 §5): a deadline that also
 * covers the body, a byte limit counted while reading, a key-count limit, and
 * the selection of the entries that can verify a signature.
 */
import { selectVerificationKeys, type VerificationJWK } from './jwks-keys.js';
import { readBodyLimited } from './read-body.js';

/** Why a key-set fetch was refused. Kept as the `cause` of a `jwks_unavailable` error. */
export type JWKSFetchFailure =
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'status'
  | 'content_type'
  | 'too_large'
  | 'invalid_json'
  | 'invalid_shape'
  | 'too_many_keys';

/**
 * A refused key-set response. Its message names the reason, never the URL.
 *
 * @example
 * ```ts
 * if (err.cause instanceof JWKSFetchError && err.cause.reason === 'timeout') retryLater()
 * ```
 */
export class JWKSFetchError extends Error {
  override readonly name = 'JWKSFetchError';
  /** Machine-readable reason. */
  readonly reason: JWKSFetchFailure;

  constructor(reason: JWKSFetchFailure, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.reason = reason;
  }
}

/** Limits of {@link fetchJWKS}. */
export interface FetchJWKSOptions {
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Milliseconds for the whole exchange, body included. */
  timeout: number;
  /** Largest body accepted, in bytes. @default 524288 */
  maxBytes?: number;
  /** Most entries the `keys` array may have (counted before filtering). @default 100 */
  maxKeys?: number;
  /** Aborts the fetch from outside (the store's `close()`). */
  signal?: AbortSignal;
}

/** Default byte limit of a key-set body (512 KiB). */
export const DEFAULT_JWKS_MAX_BYTES = 512 * 1024;
/** Default limit on entries of a key set. */
export const DEFAULT_JWKS_MAX_KEYS = 100;

// Logto answers `application/jwk-set+json; charset=utf-8` (captured from a real tenant); RFC 7517 §8.5
// registers `application/jwk-set+json`. Any `application/json` or `application/*+json`
// is accepted, and so is a missing type; anything else (an HTML error or login page of a
// proxy) is refused before parsing. Cache headers are ignored: our own TTL decides.
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Fetches a key set and returns its usable verification keys, in document order.
 * Throws {@link JWKSFetchError} for anything but a 200 JSON object with a `keys` array
 * within the limits.
 *
 * @example
 * ```ts
 * const keys = await fetchJWKS('https://tenant.logto.app/oidc/jwks', { fetch, timeout: 5_000 })
 * ```
 */
export async function fetchJWKS(url: string, options: FetchJWKSOptions): Promise<VerificationJWK[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_JWKS_MAX_BYTES;
  const maxKeys = options.maxKeys ?? DEFAULT_JWKS_MAX_KEYS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeout);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  try {
    const response = await options.fetch(url, {
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal: controller.signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new JWKSFetchError('status', `the key set answered HTTP ${response.status}`);
    }
    const type = response.headers.get('content-type');
    if (type !== null && !JSON_TYPE.test(type)) {
      await response.body?.cancel().catch(() => undefined);
      throw new JWKSFetchError('content_type', 'the key set is not served as JSON');
    }
    const text = await readLimited(response, maxBytes);
    const keys = selectVerificationKeys(parseKeySet(text, maxKeys));
    // A set with nothing usable would turn every token into a 401; treat it as a failed fetch.
    if (keys.length === 0) throw new JWKSFetchError('invalid_shape', 'the key set has no usable verification key');
    return keys;
  } catch (error) {
    if (error instanceof JWKSFetchError) throw error;
    if (timedOut) throw new JWKSFetchError('timeout', `the key set did not arrive within ${options.timeout} ms`, error);
    if (controller.signal.aborted) throw new JWKSFetchError('aborted', 'the key-set fetch was aborted', error);
    throw new JWKSFetchError('network', 'the key set could not be fetched', error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

// Content-Length may be absent (chunked) or wrong, so bytes are counted as they arrive.
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new JWKSFetchError('too_large', `the key set is larger than ${maxBytes} bytes`);
  }
  const body = response.body === null ? new Uint8Array(0) : await readBodyLimited(response.body, maxBytes);
  if (body === undefined) throw new JWKSFetchError('too_large', `the key set is larger than ${maxBytes} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (error) {
    throw new JWKSFetchError('invalid_json', 'the key set is not valid UTF-8', error);
  }
}

function parseKeySet(text: string, maxKeys: number): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new JWKSFetchError('invalid_json', 'the key set is not valid JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new JWKSFetchError('invalid_shape', 'the key set is not a JSON object');
  }
  const keys: unknown = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new JWKSFetchError('invalid_shape', 'the key set has no "keys" array');
  if (keys.length === 0) throw new JWKSFetchError('invalid_shape', 'the key set is empty');
  if (keys.length > maxKeys) throw new JWKSFetchError('too_many_keys', `the key set has more than ${maxKeys} keys`);
  return keys;
}
