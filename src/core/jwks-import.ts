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
  /**
   * The `CryptoKey` of `entry` for `alg`: the key itself once imported (each token after the first
   * of a kid needs no promise), else a promise of it. AuthError('invalid_token') when it does not
   * fit, thrown in this tick when that is known without importing.
   */
  importKeyNow(kid: string, entry: KeyEntry, alg: string): CryptoKey | Promise<CryptoKey>;
  /** Forgets keys whose kid left the set or whose material changed (kid → material). */
  retain(keys: ReadonlyMap<string, string>): void;
}

interface Imported {
  material: string;
  key: Promise<CryptoKey>;
  /** The key once imported. */
  ready?: CryptoKey;
}

/**
 * Creates an empty importer.
 *
 * @example
 * ```ts
 * const importer = createKeyImporter()
 * const key = await importer.importKeyNow(kid, entry, 'ES384')
 * ```
 */
export function createKeyImporter(): KeyImporter {
  // kid → alg → the import: no key string to build per token.
  const imported = new Map<string, Map<string, Imported>>();
  const mismatch = (error: unknown) => refusal('key_algorithm_mismatch', { message: 'the token key cannot be used for its algorithm', cause: error });
  const importKeyNow: KeyImporter['importKeyNow'] = (kid, entry, alg) => {
    let byAlg = imported.get(kid);
    let cached = byAlg?.get(alg);
    // The material holds `kty`, `crv` and `alg`, all the fit depends on: a key kept for it fitted when imported.
    if (cached?.ready !== undefined && cached.material === entry.material) return cached.ready;
    if (!keyFitsAlgorithm(entry.jwk, alg)) throw refusal('key_algorithm_mismatch');
    if (cached === undefined || cached.material !== entry.material) {
      const key = importJWK(entry.jwk, alg).then((result) => {
        if (result instanceof Uint8Array) throw new TypeError('a symmetric key cannot verify tokens');
        created.ready = result;
        return result;
      });
      const created: Imported = { material: entry.material, key };
      cached = created;
      if (byAlg === undefined) imported.set(kid, (byAlg = new Map()));
      byAlg.set(alg, created);
      const algs = byAlg;
      key.catch(() => {
        if (algs.get(alg) === created) algs.delete(alg);
      });
    }
    return cached.key.catch((error: unknown) => {
      throw mismatch(error);
    });
  };
  return {
    importKeyNow,
    retain(keys) {
      for (const [kid, algs] of imported) {
        for (const [alg, { material }] of algs) if (keys.get(kid) !== material) algs.delete(alg);
        if (algs.size === 0) imported.delete(kid);
      }
    },
  };
}
