/**
 * The token cache's key: a SHA-256 digest of the whole token, so a cached entry does not keep
 * the token's ~500 characters alive. Synchronous, because a cache hit must not wait: WebCrypto's
 * `digest` is async, so this uses `node:crypto` where the runtime has it (Node, Bun, Deno, workerd
 * with `nodejs_compat`), found through `process.getBuiltinModule` so that nothing is imported on
 * runtimes without it (Next's edge runtime, plain workerd); there the token itself is the key.
 */

type Digest = (token: string) => string;

interface NodeCryptoLike {
  hash?: (algorithm: string, data: string, outputEncoding: 'binary') => string;
  createHash?: (algorithm: string) => { update(data: string): { digest(encoding: 'binary'): string } };
}

function nodeCrypto(): NodeCryptoLike | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return host?.getBuiltinModule?.('node:crypto') as NodeCryptoLike | undefined;
  } catch {
    // Next's edge sandbox answers any unsupported Node API on `process` by throwing.
    return undefined;
  }
}

/**
 * Pick the digest of this runtime. SHA-256 is collision-resistant, so two tokens that differ
 * in any byte (a swapped payload under a copied signature, a same-length forgery) never share
 * a key; the digest is kept as 32 one-byte characters (`binary`, i.e. latin1), 48 bytes of heap. A string is
 * hashed as UTF-8, where only lone surrogates collide (as U+FFFD); cached tokens passed the
 * compact-JWS shape check, all ASCII, so a presented string with them cannot meet one.
 *
 * @param crypto The `node:crypto` module, or what stands for it; `null` forces the fallback.
 * @default crypto the runtime's `node:crypto`, when `process.getBuiltinModule` yields it
 * @example
 * ```ts
 * const keyOf = selectTokenDigest()
 * cache.get(keyOf(token))
 * ```
 */
export function selectTokenDigest(crypto: NodeCryptoLike | null | undefined = nodeCrypto()): Digest {
  // One-shot `hash` (Node ≥ 20.12) is about twice as fast as `createHash` for a 500-byte token.
  const { hash, createHash } = crypto ?? {};
  if (typeof hash === 'function') return (token) => hash('sha256', token, 'binary');
  if (typeof createHash === 'function') return (token) => createHash('sha256').update(token).digest('binary');
  // No synchronous SHA-256 here: the exact token, copied out of the header it came in, is the key.
  return (token) => (' ' + token).slice(1);
}
