/**
 * The header segments of the tokens a verifier verified, with what the pre-check made of them.
 * An issuer signs with a few keys, each one header string, so the set stays tiny. Two uses: a
 * known header is not decoded again (its checks depend on it alone), and a token with another
 * header cannot be in the token cache, so it is judged without a digest (garbage, forged kids).
 */
import type { CheckedHeader } from './precheck.js';

/** See {@link createVerifiedHeaders}. */
export interface VerifiedHeaders {
  /** Header segment → its checked header, for the pre-check's `knownHeaders`. */
  readonly known: ReadonlyMap<string, CheckedHeader>;
  /** `false` only when no token with `token`'s header was verified, so none is cached. */
  mayBeCached(token: string): boolean;
  /** Remember the header of `token`, just verified; call it before caching the token. */
  note(token: string, header: CheckedHeader): void;
}

// Past this many headers, or one this long, every token is looked up in the cache (as without the set).
const MAX_HEADERS = 64;
const MAX_HEADER_CHARS = 512;

/**
 * Create an empty set. Only verified tokens add to it, so forged headers never fill it; past 64
 * headers (or one over 512 characters) it gives up filtering: every token is looked up in the cache.
 *
 * @param intern Shares the header's strings with the verifier's other copies. @default identity
 * @example
 * ```ts
 * const headers = createVerifiedHeaders()
 * if (!headers.mayBeCached(token)) return judgeWithoutDigest(token)
 * ```
 */
export function createVerifiedHeaders(intern: (value: string) => string = (value) => value): VerifiedHeaders {
  const known = new Map<string, CheckedHeader>();
  let everyToken = false;
  return {
    known,
    mayBeCached(token) {
      if (everyToken) return true;
      const dot = token.indexOf('.');
      return dot > 0 && known.has(token.slice(0, dot));
    },
    note(token, header) {
      const segment = token.slice(0, token.indexOf('.'));
      if (everyToken || known.has(segment)) return;
      if (known.size >= MAX_HEADERS || segment.length > MAX_HEADER_CHARS) {
        everyToken = true;
        return;
      }
      // Its own copy: the slice would keep the whole token alive.
      const own = (' ' + segment).slice(1);
      known.set(own, Object.freeze({ alg: intern(header.alg), kid: intern(header.kid) }));
    },
  };
}
