/**
 * Published keys turned into `CryptoKey`s once per kid and algorithm (WebCrypto binds a
 * key to one algorithm), re-imported when new material appears under the same kid.
 */
import { importJWK } from 'jose';
import { refusal } from './errors.js';
import { keyFitsAlgorithm } from './jwks-keys.js';
import type { KeyEntry } from './jwks-loader.js';

/** The imported keys of one store. */
export interface KeyImporter {
  /** The `CryptoKey` of `entry` for `alg`; AuthError('invalid_token') when it does not fit. */
  importKey(kid: string, entry: KeyEntry, alg: string): Promise<CryptoKey>;
  /** Forgets keys whose kid left the set or whose material changed (kid → material). */
  retain(keys: ReadonlyMap<string, string>): void;
}

/**
 * Creates an empty importer.
 *
 * @example
 * ```ts
 * const importer = createKeyImporter()
 * const key = await importer.importKey(kid, entry, 'ES384')
 * ```
 */
export function createKeyImporter(): KeyImporter {
  const imported = new Map<string, { kid: string; material: string; key: Promise<CryptoKey> }>();
  return {
    async importKey(kid, entry, alg) {
      if (!keyFitsAlgorithm(entry.jwk, alg)) throw refusal('key_algorithm_mismatch');
      const cacheKey = `${kid}\u0000${alg}`;
      let cached = imported.get(cacheKey);
      if (cached === undefined || cached.material !== entry.material) {
        const key = importJWK(entry.jwk, alg).then((result) => {
          if (result instanceof Uint8Array) throw new TypeError('a symmetric key cannot verify tokens');
          return result;
        });
        const created = { kid, material: entry.material, key };
        cached = created;
        imported.set(cacheKey, created);
        key.catch(() => {
          if (imported.get(cacheKey) === created) imported.delete(cacheKey);
        });
      }
      try {
        return await cached.key;
      } catch (error) {
        throw refusal('key_algorithm_mismatch', { message: 'the token key cannot be used for its algorithm', cause: error });
      }
    },
    retain(keys) {
      for (const [cacheKey, { kid, material }] of imported) if (keys.get(kid) !== material) imported.delete(cacheKey);
    },
  };
}
