/**
 * Property-based fuzzing of the token path (fast-check): the pre-check never
 * accepts a token it should refuse, never throws anything but an AuthError,
 * and never spends more than a few milliseconds on one input; the kit never
 * accepts a forged or mutated token and rejects only with an AuthError.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { precheckToken } from '../../src/core/precheck.js';
import { AUDIENCE, b64, startForge, type Forge } from './forge.js';
import { slowInputs } from './timing.js';

const ALGORITHMS = ['ES384', 'ES256', 'ES512', 'RS256', 'PS256'];
const OPTIONS = { maxTokenSize: 16_384, algorithms: ALGORITHMS };
const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

/** Run the pre-check; `undefined` means refused with an AuthError, anything else is a bug. */
function precheck(token: string): ReturnType<typeof precheckToken> | undefined {
  try {
    return precheckToken(token, OPTIONS);
  } catch (error) {
    if (!(error instanceof AuthError) || error.code !== 'invalid_token') throw new Error('the pre-check threw something other than AuthError(invalid_token)', { cause: error });
    return undefined;
  }
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...BASE64URL, '.', '=', '+', '/', ' ', '\t', '\n', '\u0000', 'é'), maxLength: 600 }),
  fc.tuple(fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 3000 })).map(([unit, n]) => `${unit.repeat(n)}.e30.${unit}`),
);

const header = fc.record(
  {
    alg: fc.constantFrom('ES384', 'RS256', 'PS256', 'none', 'None', 'NONE', 'HS256', 'HS384', 'EdDSA', '', 'es384'),
    typ: fc.oneof(fc.constantFrom('at+jwt', 'AT+JWT', 'application/at+jwt', 'JWT', 'logout+jwt', 'jwt', ' at+jwt'), fc.integer()),
    kid: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(''), fc.constant('k'.repeat(257))),
    jku: fc.webUrl(),
    x5u: fc.webUrl(),
    jwk: fc.constant({ kty: 'EC', crv: 'P-384' }),
    x5c: fc.constant(['MII']),
    crit: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const payload = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.object({ maxDepth: 2, maxKeys: 8 }));
const signature = fc.uint8Array({ minLength: 0, maxLength: 130 }).map((bytes) => Buffer.from(bytes).toString('base64url'));

/** What the pre-check must decide for a header and payload built from JSON (no duplicates). */
function shouldPass(h: Record<string, unknown>, p: unknown, sig: string): boolean {
  const typOk = typeof h.typ === 'string' && ['at+jwt', 'application/at+jwt'].includes(h.typ.toLowerCase());
  const kidOk = typeof h.kid === 'string' && h.kid !== '' && h.kid.length <= 256;
  const pointers = ['jku', 'x5u', 'jwk', 'x5c'].some((name) => name in h);
  const payloadOk = typeof p === 'object' && p !== null && !Array.isArray(p);
  return sig !== '' && typeof h.alg === 'string' && ALGORITHMS.includes(h.alg) && typOk && kidOk && !pointers && payloadOk;
}

describe('fuzz: precheckToken (pre-crypto)', () => {
  it('arbitrary strings: only AuthError, nothing with a bad header passes, a few ms at most (30,000 inputs)', () => {
    const slow = slowInputs<string>();
    fc.assert(
      fc.property(anyText, (token) => {
        const checked = slow.time(token, precheck);
        if (checked) {
          expect(ALGORITHMS).toContain(checked.header.alg);
          expect(checked.header.kid).not.toBe('');
        }
      }),
      { numRuns: 30_000 },
    );
    expect(slow.confirmed(precheck)).toEqual([]);
  });

  it('structured tokens: passes exactly when alg, typ, kid, key pointers and payload are acceptable (30,000 inputs)', () => {
    const slow = slowInputs<string>();
    fc.assert(
      fc.property(header, payload, signature, (h, p, sig) => {
        const token = `${b64(h)}.${b64(JSON.stringify(p) ?? 'null')}.${sig}`;
        const checked = slow.time(token, precheck);
        expect(checked !== undefined).toBe(shouldPass(h, p ?? null, sig));
      }),
      { numRuns: 30_000 },
    );
    expect(slow.confirmed(precheck)).toEqual([]);
  });
});

describe('fuzz: the kit end to end', () => {
  let forge: Forge;
  let kit: AuthKit;
  let genuine: string;
  beforeAll(async () => {
    forge = await startForge();
    kit = createAuthKit({ logtoUrl: forge.logtoUrl, audience: AUDIENCE });
    genuine = await forge.token({ sub: 'genuine' });
    await kit.verifyToken(genuine);
  });
  afterAll(async () => {
    kit.close();
    await forge.close();
  });

  const headerKid = (token: string): string | undefined => {
    try {
      const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
      return typeof header === 'object' && header !== null && 'kid' in header && typeof header.kid === 'string' ? header.kid : undefined;
    } catch {
      return undefined;
    }
  };

  async function neverAccepted(token: string): Promise<void> {
    const outcome = await kit.verifyToken(token).then(
      () => 'accepted',
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(AuthError);
    const error = outcome as AuthError;
    // The key set is up: no refusal may read as an outage, and none as a success; except a
    // kid the set lacks once the unknown-kid refetch budget is spent, which may be Logto's
    // new key: a 503 the client retries after Retry-After.
    if (error.status === 503) {
      expect(error.code).toBe('jwks_unavailable');
      expect(error.retryAfter).toBeGreaterThan(0);
      const kid = headerKid(token);
      expect(kid !== undefined && !kit.jwks.hasKid(kid)).toBe(true);
    } else expect(error.status).toBe(401);
    const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${token}` } });
    expect(auth.status).toBe('anonymous');
  }

  it('forged tokens with plausible claims and random signatures are never accepted (5,000 inputs)', async () => {
    const claims = fc.record({
      iss: fc.constantFrom(forge.issuer, 'https://evil.test/oidc', `${forge.issuer}/`),
      aud: fc.oneof(fc.constantFrom(AUDIENCE, 'https://other.test'), fc.array(fc.constantFrom(AUDIENCE, 'x'), { maxLength: 3 })),
      sub: fc.oneof(fc.constant('admin'), fc.integer()),
      exp: fc.oneof(fc.constant(Math.floor(Date.now() / 1000) + 3600), fc.integer(), fc.double(), fc.string()),
      scope: fc.constantFrom('admin', 'read:posts'),
    });
    const kid = fc.constantFrom(forge.es384.kid, forge.rs256.kid, 'unknown-kid', '../../etc/passwd');
    await fc.assert(
      fc.asyncProperty(header, kid, claims, signature, async (h, k, p, sig) => {
        await neverAccepted(`${b64({ ...h, kid: k })}.${b64(p)}.${sig}`);
      }),
      { numRuns: 5_000 },
    );
  });

  it('any single edit of a genuine token is never accepted (2,000 inputs)', async () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom('replace', 'insert', 'delete'), fc.constantFrom(...BASE64URL, '.', '=', ' '));
    await fc.assert(
      fc.asyncProperty(edit, async ([at, kind, char]) => {
        const i = at % genuine.length;
        const mutated = kind === 'replace' ? genuine.slice(0, i) + char + genuine.slice(i + 1) : kind === 'insert' ? genuine.slice(0, i) + char + genuine.slice(i) : genuine.slice(0, i) + genuine.slice(i + 1);
        if (mutated === genuine) return;
        // RFC 6750 §2.1 (`Bearer 1*SP b64token`) and RFC 9110 §5.5 (field values
        // are trimmed) normalise whitespace around the token away: on the wire
        // such an edit is the same token, so the header must still authenticate it.
        if (mutated.trim() === genuine) {
          const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${mutated}` } });
          expect(auth.status === 'authenticated' && auth.userId).toBe('genuine');
          return;
        }
        await neverAccepted(mutated);
      }),
      { numRuns: 2_000 },
    );
  });
});
