/**
 * What an attacker can make a server spend: forged tokens naming unknown keys,
 * garbage strings, and a cold start under 1,000 concurrent requests.
 */
import { createRemoteJWKSet, importJWK, jwtVerify } from 'jose';
import { createAuthKit } from '../src/core/kit.js';
import { createTestIssuer } from '../src/testing/index.js';
import { expectRejection, measureRate } from './lib/measure.js';
import { target, type RateResult, type TargetResult } from './lib/results.js';
import { forgeUnknownKid, garbageStrings, mintMany } from './lib/tokens.js';

const COOLDOWN = 30_000;
const WINDOWS = 5;
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
export async function benchAttacks(log: (line: string) => void): Promise<{ rates: RateResult[]; targets: TargetResult[] }> {
  const issuer = await createTestIssuer();
  // Real time plus what the flood below adds: the first measurement runs on the real clock.
  let offset = 0;
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, jwksCooldown: COOLDOWN, now: () => Date.now() + offset });
  try {
    const forged = forgeUnknownKid(issuer, 20_000);
    const garbage = garbageStrings(10_000);
    const tokens = await mintMany(issuer, 100);
    await kit.verifyToken(await issuer.mintToken());

    log('attacks: ES384 floor (jose jwtVerify, imported key)');
    const key = await importJWK(issuer.jwks().keys[0] ?? {}, 'ES384');
    const floorPerSec = (await measureRate((i) => jwtVerify(tokens[i % 100]!, key), { durationMs: 1000 })).opsPerSec;

    log('attacks: forged tokens with unknown kids');
    const before = issuer.jwksRequests;
    const forgedRate = await measureRate((i) => expectRejection(kit.verifyToken(forged[i % forged.length]!)));
    const forgedFetches = issuer.jwksRequests - before;

    log('attacks: garbage strings');
    const garbageRate = await measureRate((i) => expectRejection(kit.verifyToken(garbage[i % garbage.length]!)));

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
        { id: 'floor-attacks-es384', label: 'floor: jose jwtVerify, imported key, ES384 (again, just before the attack runs)', perSec: floorPerSec },
        { id: 'authkit-forged-unknown-kid', label: 'authkit verifyToken, forged tokens with unknown kids (rejections)', perSec: forgedRate.opsPerSec },
        { id: 'authkit-garbage', label: 'authkit verifyToken, garbage strings (rejections)', perSec: garbageRate.opsPerSec },
      ],
      targets: [
        target('forged-unknown-kid', 'Forged tokens (unknown kid) rejected vs floor (ES384)', 'ratio', forgedRate.opsPerSec / floorPerSec, '>=', 50, `${fmt(forgedRate.opsPerSec)}/s vs ${fmt(floorPerSec)}/s`),
        target('garbage', 'Garbage strings rejected vs floor (ES384)', 'ratio', garbageRate.opsPerSec / floorPerSec, '>=', 50, `${fmt(garbageRate.opsPerSec)}/s vs ${fmt(floorPerSec)}/s`),
        target('forged-fetches', `JWKS fetches during ${fmt(forgedRate.ops)} forged tokens (< 1 cooldown)`, 'count', forgedFetches, '<=', 1, `${forgedFetches} fetch(es) in ${(forgedRate.ms / 1000).toFixed(1)} s`),
        target('forged-fetches-per-cooldown', `JWKS fetches per cooldown, ${fmt(forged.length)} forged tokens over ${WINDOWS} cooldowns`, 'count', floodFetches / WINDOWS, '<=', 1, `${floodFetches} fetches in ${WINDOWS} × ${COOLDOWN / 1000} s`),
        target('cold-1000', '1,000 concurrent cold requests: JWKS fetches', 'count', coldOk ? coldFetches : Number.NaN, '==', 1, `${coldFetches} fetch(es), all authenticated: ${coldOk}; jose createRemoteJWKSet: ${peerColdFetches}`),
      ],
    };
  } finally {
    kit.close();
    await issuer.close();
  }
}
