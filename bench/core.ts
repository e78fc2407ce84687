/**
 * Verification rates in one process: the floor (jose `jwtVerify` with a key
 * already imported), the peer (jose with `createRemoteJWKSet`) and authkit, for
 * repeated tokens (the same 100, as browsers send) and unique tokens.
 */
import { createRemoteJWKSet, importJWK, jwtVerify, type JWTVerifyOptions } from 'jose';
import { createAuthKit } from '../src/core/kit.js';
import { createTestIssuer, type TestIssuer, type TestSigningAlgorithm } from '../src/testing/index.js';
import { measureOnce, measureRate } from './lib/measure.js';
import { target, type RateResult, type TargetResult } from './lib/results.js';
import { mintMany } from './lib/tokens.js';

/** Rates and targets of one algorithm. */
export interface CoreBenchResult {
  rates: RateResult[];
  targets: TargetResult[];
  /** The floor's rate for a unique token. */
  floor: number;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function floorVerifier(issuer: TestIssuer, alg: TestSigningAlgorithm, options: JWTVerifyOptions) {
  const jwk = issuer.jwks().keys[0];
  if (!jwk) throw new Error('the issuer publishes no key');
  const key = await importJWK(jwk, alg);
  return (token: string) => jwtVerify(token, key, options);
}

/**
 * Measure one signing algorithm. `unique` tokens are verified once each by a
 * fresh verifier per pass, so no verifier ever sees a token twice.
 *
 * @example
 * ```ts
 * const es384 = await benchAlgorithm('ES384', 800)
 * ```
 */
export async function benchAlgorithm(alg: TestSigningAlgorithm, uniqueCount: number, log: (line: string) => void): Promise<CoreBenchResult> {
  const issuer = await createTestIssuer({ alg });
  try {
    const options: JWTVerifyOptions = { issuer: issuer.issuer, audience: issuer.audience, typ: 'at+jwt', algorithms: [alg] };
    log(`${alg}: minting ${uniqueCount + 101} tokens`);
    const repeated = await mintMany(issuer, 100);
    const unique = await mintMany(issuer, uniqueCount);
    const warm = await issuer.mintToken({ sub: 'warm-up' });
    const newKit = async () => {
      const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, algorithms: [alg] });
      await kit.verifyToken(warm);
      return kit;
    };
    const newPeer = async () => {
      const jwks = createRemoteJWKSet(new URL(issuer.jwksUrl));
      await jwtVerify(warm, jwks, options);
      return (token: string) => jwtVerify(token, jwks, options);
    };

    log(`${alg}: unique tokens (floor, jose remote, authkit)`);
    const floorUnique = await measureOnce(unique, () => floorVerifier(issuer, alg, options));
    const peerUnique = await measureOnce(unique, newPeer);
    const kits: { close(): void }[] = [];
    const kitUnique = await measureOnce(unique, async () => {
      const kit = await newKit();
      kits.push(kit);
      return (token: string) => kit.verifyToken(token);
    });

    log(`${alg}: repeated tokens (floor, jose remote, authkit)`);
    const floor = await floorVerifier(issuer, alg, options);
    const floorRepeated = await measureRate((i) => floor(repeated[i % 100]!));
    const peer = await newPeer();
    const peerRepeated = await measureRate((i) => peer(repeated[i % 100]!));
    const kit = await newKit();
    kits.push(kit);
    const kitRepeated = await measureRate((i) => kit.verifyToken(repeated[i % 100]!));
    for (const k of kits) k.close();

    const id = alg.toLowerCase();
    const rates: RateResult[] = [
      { id: `floor-unique-${id}`, label: `floor: jose jwtVerify, imported key, ${alg}, unique tokens`, perSec: floorUnique.opsPerSec },
      { id: `floor-repeated-${id}`, label: `floor: jose jwtVerify, imported key, ${alg}, repeated tokens`, perSec: floorRepeated.opsPerSec },
      { id: `jose-remote-unique-${id}`, label: `peer: jose jwtVerify + createRemoteJWKSet, ${alg}, unique tokens`, perSec: peerUnique.opsPerSec },
      { id: `jose-remote-repeated-${id}`, label: `peer: jose jwtVerify + createRemoteJWKSet, ${alg}, repeated tokens`, perSec: peerRepeated.opsPerSec },
      { id: `authkit-unique-${id}`, label: `authkit verifyToken, ${alg}, unique tokens`, perSec: kitUnique.opsPerSec },
      { id: `authkit-repeated-${id}`, label: `authkit verifyToken, ${alg}, repeated tokens (100)`, perSec: kitRepeated.opsPerSec },
    ];
    const targets = [
      target(`repeated-${id}`, `Repeated tokens vs floor (${alg})`, 'ratio', kitRepeated.opsPerSec / floorRepeated.opsPerSec, '>=', 100, `${fmt(kitRepeated.opsPerSec)}/s vs ${fmt(floorRepeated.opsPerSec)}/s`),
      target(`unique-${id}`, `Unique tokens vs floor (${alg})`, 'ratio', kitUnique.opsPerSec / floorUnique.opsPerSec, '>=', 0.9, `${fmt(kitUnique.opsPerSec)}/s vs ${fmt(floorUnique.opsPerSec)}/s`),
      target(`repeated-vs-jose-${id}`, `Repeated tokens vs jose + remote JWKS (${alg})`, 'ratio', kitRepeated.opsPerSec / peerRepeated.opsPerSec, '>=', 1, `${fmt(kitRepeated.opsPerSec)}/s vs ${fmt(peerRepeated.opsPerSec)}/s`),
      target(`unique-vs-jose-${id}`, `Unique tokens vs jose + remote JWKS (${alg})`, 'ratio', kitUnique.opsPerSec / peerUnique.opsPerSec, '>=', 0.9, `${fmt(kitUnique.opsPerSec)}/s vs ${fmt(peerUnique.opsPerSec)}/s`),
    ];
    return { rates, targets, floor: floorUnique.opsPerSec };
  } finally {
    await issuer.close();
  }
}
