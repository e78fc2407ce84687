import type { AuthError } from './errors.js';

/** Why a token was refused: its signature failed against exactly this key. */
export interface RefusedSignature {
  alg: string;
  kid: string;
  /** The material of the key the signature failed against (the key store's `keyMaterial`); the refusal holds only while the key set still has it for `kid`. */
  material: string;
  /** The refusal answered to every replay (made once, without the verification's cause, so an entry stays small). */
  error: AuthError;
  /** Forgotten at this time (ms), or at the token's `exp` if that comes first. */
  expiresAtMs: number;
}

/** Bounds of {@link createRefusalCache}. */
export interface RefusalCacheBounds {
  /** Most refusals kept. */
  maxEntries: number;
  /** Most estimated bytes kept (two per token character, plus an overhead per entry). */
  maxBytes: number;
}

/** A small bounded cache (oldest out first) of tokens whose signature was refused, keyed by the exact token string. */
export interface RefusalCache {
  get(token: string, nowMs: number): RefusedSignature | undefined;
  add(token: string, refusal: RefusedSignature): void;
  delete(token: string): void;
  /** Forget every refusal (the key set changed). */
  clear(): void;
  readonly size: number;
  readonly bytes: number;
}

// The Map slot, the record and its AuthError (no stack, no cause); the material is shared with the key store.
const ENTRY_OVERHEAD_BYTES = 384;
// V8 hashes a string of more characters than this by its length alone (String::kMaxHashCalcLength),
// so same-length forgeries would share one hash bucket and a lookup would compare each of them in
// full: such tokens are not remembered (they are verified again, as without this cache).
const MAX_REMEMBERED_CHARS = 16_383;

/**
 * Create the negative cache of refused signatures. A replayed forgery (a
 * well-formed token with the tenant's `iss`, `aud` and a published `kid`, but
 * a signature made with another key) would otherwise cost an ECDSA
 * verification on every request; a hit here costs a map lookup. Only a bad
 * signature is kept, a pure function of the token and the key: never an
 * outage, never a refusal that time can undo (`nbf`, `iat`), and the key is
 * kept so a refusal is not applied against a key set that changed. Keyed by
 * the whole token, so a genuine token differing from a forgery in any
 * character is never confused with it.
 *
 * @example
 * ```ts
 * const refusals = createRefusalCache({ maxEntries: 1_000, maxBytes: 4 * 1024 * 1024 })
 * refusals.add(token, { alg, kid, material, error: refusal('bad_signature'), expiresAtMs: now + 60_000 })
 * ```
 */
export function createRefusalCache({ maxEntries, maxBytes }: RefusalCacheBounds): RefusalCache {
  const entries = new Map<string, RefusedSignature>();
  let bytes = 0;
  const sizeOf = (token: string): number => 2 * token.length + ENTRY_OVERHEAD_BYTES;
  const remove = (token: string): void => {
    if (entries.delete(token)) bytes -= sizeOf(token);
  };
  return {
    get(token, nowMs) {
      const refusal = entries.get(token);
      if (refusal === undefined) return undefined;
      if (nowMs < refusal.expiresAtMs) return refusal;
      remove(token);
      return undefined;
    },
    add(token, refusal) {
      remove(token);
      if (token.length > MAX_REMEMBERED_CHARS || sizeOf(token) > maxBytes) return;
      entries.set(token, refusal);
      bytes += sizeOf(token);
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        remove(oldest);
      }
    },
    delete: remove,
    clear() {
      entries.clear();
      bytes = 0;
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
