/**
 * Verification rates in one process: the floor (jose `jwtVerify` with a key
 * already imported), the peer (jose with `createRemoteJWKSet`) and authkit, for
 * repeated tokens (the same 100, as browsers send) and unique tokens (each
 * verified once, 8 in flight as on a busy server). Rounds alternate the order
 * of the verifiers; each row is the median of the per-round ratios.
 */
import { createRemoteJWKSet, importJWK, jwtVerify, type JWTVerifyOptions } from 'jose';
import { createAuthKit } from '../src/core/kit.js';
import { createTestIssuer, type TestIssuer, type TestSigningAlgorithm } from '../src/testing/index.js';
import { alternate, inRounds, measureConcurrent, measureRate, median } from './lib/measure.js';
import { ratioTarget, type RateResult, type TargetResult } from './lib/results.js';
import { mintMany, mintManyParallel } from './lib/tokens.js';

/** Rates and targets of one algorithm. */
export interface CoreBenchResult {
  rates: RateResult[];
  targets: TargetResult[];
}

/** Settings of {@link benchAlgorithm}. */
export interface CoreBenchOptions {
  /** Unique tokens per pass. */
  uniqueCount: number;
  /** Rounds; each row is a median over them. @default 5 */
  rounds?: number;
  /** Unique tokens in flight at once. @default 8 */
  concurrency?: number;
  /** The target of unique tokens ÷ floor. */
  uniqueTarget: number;
}

type Verify = (token: string) => Promise<unknown>;

async function floorVerifier(issuer: TestIssuer, alg: TestSigningAlgorithm, options: JWTVerifyOptions): Promise<Verify> {
  const jwk = issuer.jwks().keys[0];
  if (!jwk) throw new Error('the issuer publishes no key');
  const key = await importJWK(jwk, alg);
  return (token) => jwtVerify(token, key, options);
}

/**
 * Measure one signing algorithm. Every unique pass uses a fresh kit (and a
 * fresh remote key set for the peer), so no verifier sees a token twice; the
 * kits are created with the options a user writes (`logtoUrl`, `audience`,
 * `algorithms`), so the default token cache is on.
 *
 * @example
 * ```ts
 * const es384 = await benchAlgorithm('ES384', { uniqueCount: 1000, uniqueTarget: 0.97 }, console.log)
 * ```
 */
export async function benchAlgorithm(alg: TestSigningAlgorithm, settings: CoreBenchOptions, log: (line: string) => void): Promise<CoreBenchResult> {
  const rounds = settings.rounds ?? 5;
  const concurrency = settings.concurrency ?? 8;
  const issuer = await createTestIssuer({ alg });
  const kits: { close(): void }[] = [];
  try {
    const options: JWTVerifyOptions = { issuer: issuer.issuer, audience: issuer.audience, typ: 'at+jwt', algorithms: [alg] };
    log(`${alg}: minting ${settings.uniqueCount + 101} tokens`);
    const repeated = await mintMany(issuer, 100);
    const unique = await mintManyParallel(issuer, settings.uniqueCount);
    const warm = await issuer.mintToken({ sub: 'warm-up' });
    const newKit = async (tokenCache?: false): Promise<Verify> => {
      const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, algorithms: [alg], ...(tokenCache === false ? { tokenCache } : {}) });
      kits.push(kit);
      await kit.verifyToken(warm);
      return (token) => kit.verifyToken(token);
    };
    const newPeer = async (): Promise<Verify> => {
      const jwks = createRemoteJWKSet(new URL(issuer.jwksUrl));
      await jwtVerify(warm, jwks, options);
      return (token) => jwtVerify(token, jwks, options);
    };
    const sample = { floorUnique: [] as number[], peerUnique: [] as number[], kitUnique: [] as number[], kitNoCache: [] as number[], floorRepeated: [] as number[], peerRepeated: [] as number[], kitRepeated: [] as number[] };
    const uniquePass = (into: number[], make: () => Promise<Verify>) => async () => into.push((await measureConcurrent(unique, await make(), concurrency)).opsPerSec);
    const repeatedRun = (into: number[], make: () => Promise<Verify>) => async () => {
      const verify = await make();
      into.push((await measureRate((i) => verify(repeated[i % 100]!), { durationMs: 500, warmupMs: 150 })).opsPerSec);
    };
    // One untimed pass each: the JIT and WebCrypto's thread pool settle before round 1.
    await measureConcurrent(unique.slice(0, 200), await floorVerifier(issuer, alg, options), concurrency);
    await measureConcurrent(unique.slice(0, 200), await newKit(), concurrency);
    await inRounds(rounds, async (round) => {
      log(`${alg} round ${round + 1}/${rounds}: ${unique.length} unique tokens at concurrency ${concurrency}, then 100 repeated`);
      for (const pass of alternate(round, [
        uniquePass(sample.floorUnique, () => floorVerifier(issuer, alg, options)),
        uniquePass(sample.kitUnique, () => newKit()),
        uniquePass(sample.peerUnique, newPeer),
        uniquePass(sample.kitNoCache, () => newKit(false)),
      ]))
        await pass();
      for (const run of alternate(round, [
        repeatedRun(sample.floorRepeated, () => floorVerifier(issuer, alg, options)),
        repeatedRun(sample.kitRepeated, () => newKit()),
        repeatedRun(sample.peerRepeated, newPeer),
      ]))
        await run();
      for (const k of kits.splice(0)) k.close();
    });

    const id = alg.toLowerCase();
    const c = `concurrency ${concurrency}`;
    const rates: RateResult[] = [
      { id: `floor-unique-${id}`, label: `floor: jose jwtVerify, imported key, ${alg}, unique tokens, ${c}`, perSec: median(sample.floorUnique) },
      { id: `jose-remote-unique-${id}`, label: `peer: jose jwtVerify + createRemoteJWKSet, ${alg}, unique tokens, ${c}`, perSec: median(sample.peerUnique) },
      { id: `authkit-unique-${id}`, label: `authkit verifyToken, ${alg}, unique tokens, ${c}`, perSec: median(sample.kitUnique) },
      { id: `authkit-unique-nocache-${id}`, label: `authkit verifyToken with tokenCache: false, ${alg}, unique tokens, ${c}`, perSec: median(sample.kitNoCache) },
      { id: `floor-repeated-${id}`, label: `floor: jose jwtVerify, imported key, ${alg}, repeated tokens`, perSec: median(sample.floorRepeated) },
      { id: `jose-remote-repeated-${id}`, label: `peer: jose jwtVerify + createRemoteJWKSet, ${alg}, repeated tokens`, perSec: median(sample.peerRepeated) },
      { id: `authkit-repeated-${id}`, label: `authkit verifyToken, ${alg}, repeated tokens (100)`, perSec: median(sample.kitRepeated) },
    ];
    const targets = [
      ratioTarget(`unique-${id}`, `Unique ${alg} tokens ÷ floor (jose, imported key), ${c}`, sample.kitUnique, sample.floorUnique, settings.uniqueTarget),
      ratioTarget(`unique-vs-jose-${id}`, `Unique ${alg} tokens ÷ jose + remote JWKS, ${c}`, sample.kitUnique, sample.peerUnique, 0.9),
      ratioTarget(`repeated-${id}`, `Repeated ${alg} tokens ÷ floor`, sample.kitRepeated, sample.floorRepeated, 100),
      ratioTarget(`repeated-vs-jose-${id}`, `Repeated ${alg} tokens ÷ jose + remote JWKS`, sample.kitRepeated, sample.peerRepeated, 1),
    ];
    return { rates, targets };
  } finally {
    for (const k of kits) k.close();
    await issuer.close();
  }
}
