/**
 * Property-based fuzzing of what arrives before a token: headers (any case,
 * repeated, arrays, raw header lists) and cookies. Reading a request never
 * throws, never takes more than a few milliseconds, never invents a token, and
 * building the context never rejects and never authenticates without a genuine token.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import { extractTokens } from '../../src/core/extract.js';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { toRequestView, type NodeRequestLike } from '../../src/core/request.js';
import { AUDIENCE, b64, startForge, type Forge } from './forge.js';
import { slowInputs } from './timing.js';

const EXTRACT = { cookieName: 'logto_authtoken', tokenSources: ['cookie', 'header'] as const };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const jwsLike = `${b64({ alg: 'ES384', typ: 'at+jwt', kid: 'k' })}.${b64({ sub: 'x' })}.c2ln`;

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ unit: fc.constantFrom('a', 'B', '.', '=', ';', ',', '"', '%', ' ', '\t', '-', '_', '+', '/', 'é'), maxLength: 200 }));
const authorization = fc.oneof(
  text,
  text.map((t) => `Bearer ${t}`),
  fc.constantFrom('Bearer', 'Bearer ', 'bearer  x', 'BEARER a b', 'Basic dXNlcjpwYXNz', `Bearer ${jwsLike}`, `Bearer ${jwsLike}==`, `DPoP ${jwsLike}`),
);
const cookieValue = fc.oneof(text, fc.constantFrom(jwsLike, `"${jwsLike}"`, '%E0%A4%A', '"', '', '00000000-0000-4000-8000-000000000000', '__proto__'));
const cookieName = fc.oneof(fc.constantFrom('logto_authtoken', 'guest_logto_authtoken', 'LOGTO_AUTHTOKEN', '__proto__', 'constructor', ' logto_authtoken'), fc.string({ maxLength: 12 }));
const cookieHeader = fc.oneof(text, fc.tuple(fc.array(fc.tuple(cookieName, cookieValue), { maxLength: 6 }), fc.constantFrom('; ', ';', ' ; ')).map(([pairs, separator]) => pairs.map(([n, v]) => `${n}=${v}`).join(separator)));
const headerName = fc.oneof(fc.constantFrom('authorization', 'Authorization', 'AUTHORIZATION', 'cookie', 'Cookie', 'host', 'origin', 'sec-fetch-site', ':authority'), fc.string({ maxLength: 12 }));
const headerValue = fc.oneof(authorization, cookieHeader, fc.array(fc.oneof(authorization, cookieHeader), { maxLength: 3 }));

const request = fc.record(
  {
    headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
    rawHeaders: fc.array(fc.oneof(fc.constantFrom('Authorization', 'authorization', 'Host', 'Cookie'), authorization), { maxLength: 8 }),
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'delete', 'OPTIONS', ''), fc.string({ maxLength: 8 })),
    url: fc.oneof(fc.webUrl(), fc.string({ maxLength: 30 })),
  },
  { requiredKeys: ['headers'] },
) as fc.Arbitrary<NodeRequestLike>;

function readRequest(input: NodeRequestLike) {
  const view = toRequestView(input);
  void view.origin;
  view.cookie('guest_logto_authtoken');
  return extractTokens(view, EXTRACT);
}

describe('fuzz: reading headers and cookies (pre-crypto)', () => {
  it('headers: never throws, tokens only where a Bearer or the cookie carried them, a few ms at most (25,000 inputs)', () => {
    const slow = slowInputs<NodeRequestLike>();
    fc.assert(
      fc.property(request, (input) => {
        const { candidates, malformed } = slow.time(input, readRequest);
        const tokens = candidates.map((c) => c.token);
        expect(new Set(tokens).size).toBe(tokens.length);
        for (const { token, source } of candidates) {
          expect(token).not.toBe('');
          // RFC 6750 §2.1 b64token: a header token never carries spaces, quotes or separators.
          if (source === 'header') expect(token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
        }
        if (malformed) expect(malformed).toBeInstanceOf(AuthError);
      }),
      { numRuns: 25_000 },
    );
    expect(slow.confirmed(readRequest)).toEqual([]);
  });

  it('cookies: never throws, the token cookie is found only under its exact name (25,000 inputs)', () => {
    const slow = slowInputs<string>();
    const read = (cookie: string) => readRequest({ headers: { cookie } });
    fc.assert(
      fc.property(cookieHeader, (cookie) => {
        const { candidates } = slow.time(cookie, read);
        for (const { token, source } of candidates) {
          expect(source).toBe('cookie');
          expect(cookie).toContain('logto_authtoken=');
          expect(token).not.toBe('');
        }
      }),
      { numRuns: 25_000 },
    );
    expect(slow.confirmed(read)).toEqual([]);
  });
});

describe('fuzz: createAuthContext on hostile requests', () => {
  let forge: Forge;
  let strict: AuthKit;
  let guests: AuthKit;
  beforeAll(async () => {
    forge = await startForge();
    strict = createAuthKit({ logtoUrl: forge.logtoUrl, audience: AUDIENCE });
    guests = createAuthKit({ logtoUrl: forge.logtoUrl, audience: AUDIENCE, allowGuest: true });
    await strict.verifyToken(await forge.token());
    await guests.verifyToken(await forge.token());
  });
  afterAll(async () => {
    strict.close();
    guests.close();
    await forge.close();
  });

  it('never rejects, never authenticates, refuses with 400/401/403 only (400: a malformed Authorization, RFC 6750 §3.1); guests always get a UUID (12,000 inputs)', async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.boolean(), async (input, guestMode) => {
        const auth = await (guestMode ? guests : strict).createAuthContext(input);
        expect(auth.status).not.toBe('authenticated');
        if (auth.status === 'anonymous') {
          expect(auth.error).toBeInstanceOf(AuthError);
          expect([400, 401, 403]).toContain(auth.error.status);
        } else if (auth.status === 'guest') {
          expect(auth.guestId).toMatch(UUID);
          if (auth.error) expect([400, 401, 403]).toContain(auth.error.status);
        }
      }),
      { numRuns: 12_000 },
    );
  });
});
