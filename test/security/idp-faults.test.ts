/**
 * Identity-provider faults end to end: a real JWKS server on 127.0.0.1 that
 * fails in each way a server can, requests through `kit.createAuthContext`,
 * and an injected clock. Expected: cached keys keep serving through the stale
 * window, 503 `jwks_unavailable` without usable keys, never a 401 caused by an
 * outage, and recovery within one cooldown once the IdP is back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthContext } from '../../src/core/context.js';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import { manualClock, makeKey } from '../helpers/jwks-test-server.js';
import { AUDIENCE, startForge, type Forge } from './forge.js';

type Responder = (req: IncomingMessage, res: ServerResponse) => void;

const TTL = 300_000;
const COOLDOWN = 30_000;
const STALE = 3_600_000;
const TIMEOUT = 200;

const jsonBody = (body: unknown): Responder => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/jwk-set+json; charset=utf-8' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
// A byte every 50 ms, forever: only a deadline over the whole body stops it.
const drip: Responder = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"keys":[');
  const timer = setInterval(() => res.write(' '), 50);
  res.on('close', () => clearInterval(timer));
};

const FAULTS: [string, (forge: Forge) => Responder][] = [
  ['HTTP 500', () => (_req, res) => res.writeHead(500).end('internal error')],
  ['invalid JSON', () => jsonBody('{"keys": [')],
  ['an empty key set', () => jsonBody({ keys: [] })],
  ['a hang past the timeout', () => () => undefined],
  ['a slow drip', () => drip],
  ['a key set with 10,000 keys', (forge) => jsonBody({ keys: [forge.es384.jwk, ...Array.from({ length: 10_000 }, (_, i) => ({ kty: 'EC', crv: 'P-384', kid: `k${i}`, x: 'AA', y: 'AA' }))] })],
  ['a closed connection', () => (req) => req.socket.destroy()],
];

const open: { forge: Forge; kit: AuthKit }[] = [];
afterEach(async () => {
  for (const { forge, kit } of open.splice(0)) {
    kit.close();
    await forge.close();
  }
});

async function setup(allowGuest = false, jwksTimeout = TIMEOUT) {
  const clock = manualClock(Date.now());
  const forge = await startForge(clock.now);
  const good = (): Responder => jsonBody({ keys: [forge.es384.jwk, forge.rs256.jwk] });
  const kit = createAuthKit({ logtoUrl: forge.logtoUrl, audience: AUDIENCE, now: clock.now, jwksCacheTtl: TTL, jwksCooldown: COOLDOWN, jwksStaleTtl: STALE, jwksTimeout, allowGuest });
  open.push({ forge, kit });
  // A fresh token each time, so the key path runs (a cached token needs no key).
  const request = async (token?: string): Promise<AuthContext> =>
    kit.createAuthContext({ headers: { authorization: `Bearer ${token ?? (await forge.token({ sub: `u-${Math.random()}` }))}` } });
  return { clock, forge, kit, good, request, respond: (r: Responder) => forge.server.handle(r) };
}

function served(auth: AuthContext): void {
  expect(auth.status).toBe('authenticated');
}
function outage(auth: AuthContext): void {
  expect(auth.status).not.toBe('authenticated');
  const error = auth.status === 'authenticated' ? undefined : auth.error;
  expect(error?.code).toBe('jwks_unavailable');
  expect(error?.status).toBe(503);
  expect(error?.wwwAuthenticate).toBeUndefined();
}

describe.each(FAULTS)('IdP fault: %s', (_name, fault) => {
  it('cold: 503 jwks_unavailable (never 401), for guests too; recovery within one cooldown of the IdP coming back', async () => {
    const { forge, clock, request, respond, good } = await setup();
    respond(fault(forge));
    outage(await request());
    outage(await request());
    respond(good());
    clock.advance(COOLDOWN);
    served(await request());
  });

  it('warm: cached keys keep serving through the stale window, then 503, then recovery', async () => {
    const { forge, clock, request, respond, good } = await setup();
    const repeated = await forge.token({ sub: 'repeated' });
    served(await request(repeated));
    respond(fault(forge));
    clock.advance(TTL + 1);
    served(await request());
    served(await request(repeated));
    clock.advance(STALE - TTL - 2);
    served(await request());
    clock.advance(2);
    outage(await request());
    respond(good());
    clock.advance(COOLDOWN);
    served(await request());
  });
});

describe('IdP faults: guests and rotations', () => {
  it('with allowGuest, an outage gives a guest carrying the 503, never a 401', async () => {
    const { forge, request, respond } = await setup(true);
    respond((_req, res) => res.writeHead(500).end());
    const auth = await request();
    expect(auth.status).toBe('guest');
    if (auth.status === 'guest') expect(auth.error?.status).toBe(503);
    void forge;
  });

  it('keys rotated mid-traffic: the new key is picked up at once, the old keeps serving until retired', async () => {
    const { forge, clock, kit, request, respond } = await setup();
    const next = await makeKey('ES384');
    const oldToken = await forge.token({ sub: 'old' });
    served(await request(oldToken));
    for (let i = 0; i < 20; i++) served(await request());
    respond(jsonBody({ keys: [next.jwk, forge.es384.jwk] }));
    const newToken = await forge.sign({ alg: 'ES384', typ: 'at+jwt', kid: next.kid }, forge.claims({ sub: 'new' }), next);
    served(await request(newToken));
    served(await request(oldToken));
    respond(jsonBody({ keys: [next.jwk] }));
    clock.advance(TTL);
    // Past the TTL a request is served from the stale set and starts a refresh in the background;
    // the retired key's cached tokens leave with it once the refresh lands.
    served(await request(await forge.sign({ alg: 'ES384', typ: 'at+jwt', kid: next.kid }, forge.claims({ sub: 'fresh' }), next)));
    await vi.waitFor(() => expect(kit.jwks.state.reloading).toBe(false), { timeout: 5_000, interval: 5 });
    served(await request(newToken));
    const retired = await request(oldToken);
    // The old key left the key set: a genuine refusal (401), not an outage.
    expect(retired.status === 'anonymous' && retired.error.status).toBe(401);
  });

  // The store cannot tell a just-rotated kid from a retired one while the IdP is down, so it answers
  // as for an outage: the client retries instead of signing its user out.
  it('a token signed by a just-rotated key while the IdP is down is an outage (503), not a 401', async () => {
    const { forge, clock, request, respond } = await setup();
    served(await request());
    clock.advance(COOLDOWN);
    respond((_req, res) => res.writeHead(502).end());
    const next = await makeKey('ES384');
    const rotated = await forge.sign({ alg: 'ES384', typ: 'at+jwt', kid: next.kid }, forge.claims({ sub: 'rotated' }), next);
    outage(await request(rotated));
    outage(await request(rotated));
    // Older keys keep serving meanwhile.
    served(await request());
  });

  it('a flood of fresh requests during an outage costs at most one fetch per cooldown', async () => {
    const { forge, clock, request, respond } = await setup();
    respond((_req, res) => res.writeHead(500).end());
    for (let i = 0; i < 50; i++) outage(await request());
    expect(forge.jwksHits()).toBe(1);
    clock.advance(COOLDOWN);
    for (let i = 0; i < 50; i++) outage(await request());
    expect(forge.jwksHits()).toBe(2);
  });

  it('a hung IdP with a stale set: every request is served from it at once, one fetch at a time, after each cooldown too', async () => {
    // A deadline far beyond the test's own: a request that waited for a fetch could not pass.
    const { forge, clock, kit, request, respond, good } = await setup(false, 120_000);
    served(await request());
    const held: ServerResponse[] = [];
    respond((_req, res) => void held.push(res));
    for (let round = 1; round <= 3; round++) {
      clock.advance(round === 1 ? TTL : COOLDOWN);
      for (let i = 0; i < 10; i++) served(await request());
      await vi.waitFor(() => expect(held).toHaveLength(round), { timeout: 5_000, interval: 5 });
      expect(kit.jwks.state).toMatchObject({ status: 'reloading', keySet: 'stale' });
      expect(forge.jwksHits()).toBe(1 + round);
      // The hung fetch finally fails; the next waits out the cooldown.
      held[round - 1]?.writeHead(504).end();
      await vi.waitFor(() => expect(kit.jwks.state.status).toBe('cooling_down'), { timeout: 5_000, interval: 5 });
    }
    respond(good());
    clock.advance(COOLDOWN);
    served(await request());
    await vi.waitFor(() => expect(kit.jwks.state.status).toBe('fresh'), { timeout: 5_000, interval: 5 });
  }, 15_000);
});
