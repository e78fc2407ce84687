/**
 * What an attacker can make a server spend: forged tokens naming unknown keys,
 * garbage strings, one forged token (known kid, bad signature) replayed, and a
 * cold start under 1,000 concurrent requests. Rejection rates are medians of
 * rounds, each against the ES384 floor measured in the same round.
 */
import { createRemoteJWKSet, importJWK, jwtVerify } from 'jose';
import { createAuthKit } from '../src/core/kit.js';
import { createTestIssuer } from '../src/testing/index.js';
import { alternate, expectRejection, inRounds, measureRate, median, type Rate } from './lib/measure.js';
import { ratioTarget, target, type RateResult, type TargetResult } from './lib/results.js';
import { forgeBadSignature, forgeUnknownKid, garbageStrings, mintMany } from './lib/tokens.js';

const COOLDOWN = 30_000;
const WINDOWS = 5;
// The kit's default `unknownKidRefetches`: a bucket of 3 refetches refilled over each cooldown (src/core/jwks-budget.ts).
const BUDGET = 3;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Rejection rates against the ES384 floor (measured again right before, so a
 * change in outside load between benchmarks does not skew the ratio), JWKS fetches per cooldown under a
 * forged-token flood, and fetches caused by a cold burst.
 *
 * @example
 * ```ts
 * const { rates, targets } = await benchAttacks(console.log)
 * ```
 */
export async function benchAttacks(log: (line: string) => void, rounds = 5): Promise<{ rates: RateResult[]; targets: TargetResult[] }> {
  const issuer = await createTestIssuer();
  // Real time plus what the flood below adds: the first measurement runs on the real clock.
  let offset = 0;
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, jwksCooldown: COOLDOWN, now: () => Date.now() + offset });
  try {
    const forged = forgeUnknownKid(issuer, 20_000);
    const garbage = garbageStrings(10_000);
    const replayed = await forgeBadSignature(issuer);
    const tokens = await mintMany(issuer, 100);
    await kit.verifyToken(await issuer.mintToken());

    const key = await importJWK(issuer.jwks().keys[0] ?? {}, 'ES384');
    const timed = { durationMs: 600, warmupMs: 150 };
    const sample = { floor: [] as number[], forged: [] as number[], garbage: [] as number[], replayed: [] as number[] };
    const before = issuer.jwksRequests;
    const roundsStart = performance.now();
    let forgedRate: Rate | undefined;
    await inRounds(rounds, async (round) => {
      log(`attacks round ${round + 1}/${rounds}: ES384 floor, forged (unknown kid), garbage, forged replayed`);
      const runs: (() => Promise<void>)[] = [
        async () => void sample.floor.push((await measureRate((i) => jwtVerify(tokens[i % 100]!, key), timed)).opsPerSec),
        async () => {
          forgedRate = await measureRate((i) => expectRejection(kit.verifyToken(forged[i % forged.length]!)), timed);
          sample.forged.push(forgedRate.opsPerSec);
        },
        async () => void sample.garbage.push((await measureRate((i) => expectRejection(kit.verifyToken(garbage[i % garbage.length]!)), timed)).opsPerSec),
        async () => void sample.replayed.push((await measureRate(() => expectRejection(kit.verifyToken(replayed)), timed)).opsPerSec),
      ];
      for (const run of alternate(round, runs)) await run();
    });
    const forgedFetches = issuer.jwksRequests - before;
    // The bucket starts full (BUDGET) and refills BUDGET per cooldown: what the rounds may spend at most.
    const roundsMs = performance.now() - roundsStart;
    const allowed = Math.floor(BUDGET + (roundsMs * BUDGET) / COOLDOWN);
    const forgedOps = forgedRate?.ops ?? 0;

    log(`attacks: forged flood over ${WINDOWS} cooldowns (injected clock)`);
    const windowStart = issuer.jwksRequests;
    const step = (WINDOWS * COOLDOWN) / forged.length;
    for (const token of forged) {
      offset += step;
      await expectRejection(kit.verifyToken(token));
    }
    const floodFetches = issuer.jwksRequests - windowStart;

    log('attacks: 1,000 concurrent cold requests');
    const cold = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
    const coldStart = issuer.jwksRequests;
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => cold.createAuthContext({ headers: { authorization: `Bearer ${tokens[i % 100]!}` } })));
    const coldFetches = issuer.jwksRequests - coldStart;
    const coldOk = results.every((auth) => auth.status === 'authenticated');
    cold.close();
    const peerStart = issuer.jwksRequests;
    const peerJWKS = createRemoteJWKSet(new URL(issuer.jwksUrl));
    await Promise.all(Array.from({ length: 1000 }, (_, i) => jwtVerify(tokens[i % 100]!, peerJWKS)));
    const peerColdFetches = issuer.jwksRequests - peerStart;

    return {
      rates: [
        { id: 'floor-attacks-es384', label: 'floor: jose jwtVerify, imported key, ES384 (sequential, in the attack rounds)', perSec: median(sample.floor) },
        { id: 'authkit-forged-unknown-kid', label: 'authkit verifyToken, forged tokens with unknown kids (rejections)', perSec: median(sample.forged) },
        { id: 'authkit-garbage', label: 'authkit verifyToken, garbage strings (rejections)', perSec: median(sample.garbage) },
        { id: 'authkit-forged-replayed', label: 'authkit verifyToken, one forged token (known kid, bad signature) replayed (rejections)', perSec: median(sample.replayed) },
      ],
      targets: [
        ratioTarget('forged-unknown-kid', 'Forged tokens (unknown kid) rejected ÷ floor (ES384)', sample.forged, sample.floor, 100),
        ratioTarget('garbage', 'Garbage strings rejected ÷ floor (ES384)', sample.garbage, sample.floor, 200),
        ratioTarget('forged-replayed', 'The same forged token (known kid, bad signature) replayed ÷ floor (ES384)', sample.replayed, sample.floor, 500),
        target(
          'forged-fetches',
          `JWKS fetches during ${rounds} rounds of rejections (budget: ${BUDGET}, refilled ${BUDGET} per ${COOLDOWN / 1000} s cooldown)`,
          'count',
          forgedFetches,
          '<=',
          allowed,
          `${forgedFetches} fetch(es) in ${(roundsMs / 1000).toFixed(1)} s (${allowed} allowed); ${fmt(forgedOps)} forged tokens in the last round`,
        ),
        target('forged-fetches-per-cooldown', `JWKS fetches per cooldown, ${fmt(forged.length)} forged tokens over ${WINDOWS} cooldowns`, 'count', floodFetches / WINDOWS, '<=', BUDGET, `${floodFetches} fetches in ${WINDOWS} × ${COOLDOWN / 1000} s`),
        target('cold-1000', '1,000 concurrent cold requests: JWKS fetches', 'count', coldOk ? coldFetches : Number.NaN, '==', 1, `${coldFetches} fetch(es), all authenticated: ${coldOk}; jose createRemoteJWKSet: ${peerColdFetches}`),
      ],
    };
  } finally {
    kit.close();
    await issuer.close();
  }
}
