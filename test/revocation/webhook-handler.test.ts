import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/core/kit.js';
import type { RevocationStore } from '../../src/core/revocation-store.js';
import { createLogtoWebhookHandler, createLogtoWebhookRoute, createMemoryRevocationStore, toNodeHandler, type FetchHandler, type LogtoWebhookOptions } from '../../src/revocation/index.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { createdAtOf, delivery, post, REAL_ISSUER, realDeliveries, realSigningKey, type RealDelivery } from '../helpers/logto-webhooks.js';
import { countRevocations } from '../helpers/count-revocations.js';
import { jwksAnswer, startServer, type ControlledServer } from '../helpers/serve-json.js';

const AUDIENCE = 'https://api.fixture.test';
const ZV = 'zv3q33wrekjg'; // suspended, reactivated, removed from the organization, reset their password
const RUT = 'rut4nlk8gumr'; // deleted
const ORG = 'rx0q2idigazc';
const codeFlow = JSON.parse(readFileSync(new URL('../fixtures/real-logto/code-flow-tokens.json', import.meta.url), 'utf8')) as { refreshResponse: { access_token: string } };
const realToken = codeFlow.refreshResponse.access_token; // a real Logto access token of ZV, iat 16:45:34
const liveJwks = JSON.parse(readFileSync(new URL('../fixtures/real-logto/jwks-live.json', import.meta.url), 'utf8')) as { keys: unknown[] };
const endOfSecond = (ms: number): number => (Math.floor(ms / 1000) + 1) * 1000;
const sign = (body: string, key = realSigningKey): string => createHmac('sha256', key).update(body).digest('hex');

let issuer: TestIssuer;
let jwks: ControlledServer;
const closers: (() => unknown)[] = [];
beforeAll(async () => {
  issuer = await createTestIssuer();
  const testKeys = (await (await fetch(issuer.jwksUrl)).json()) as { keys: unknown[] };
  // Logto's real key beside the local issuer's: real tokens and minted ones (with Logto's iss) verify alike.
  jwks = await startServer(jwksAnswer({ keys: [...liveJwks.keys, ...testKeys.keys] }));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await jwks.close();
  await issuer.close();
});

/** A token of `sub` as Logto issues them, issued at `iat` (ms). */
const mint = (sub: string, iat: number, claims: Record<string, unknown> = {}) => issuer.mintToken({ sub, iss: REAL_ISSUER, aud: AUDIENCE, ...claims }, { now: iat });

/** A kit trusting the real Logto, its store and webhook receiver, on one injected clock. */
function receiver(clock: { now: number }, extra: Partial<LogtoWebhookOptions> = {}, store: RevocationStore = createMemoryRevocationStore({ now: () => clock.now })) {
  const now = () => clock.now;
  const { store: counted, revoked } = countRevocations(store);
  const kit = createAuthKit({ issuer: REAL_ISSUER, jwksUrl: `${jwks.url}/oidc/jwks`, audience: AUDIENCE, revocation: counted, now });
  closers.push(() => kit.close());
  return { kit, store, revoked, handler: createLogtoWebhookHandler({ kit, signingKey: realSigningKey, ...extra }) };
}
const refusal = (kit: AuthKit, token: string) => kit.verifyToken(token).then(() => 'accepted', (error: { code: string }) => error.code);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}
// The Fetch form behind a real HTTP server (Hono's Node adapter), and the Node form behind node:http.
const forms: Record<'fetch' | 'node', (handler: FetchHandler) => Promise<string>> = {
  fetch: (handler) => listen(createAdaptorServer({ fetch: handler }) as Server),
  node: (handler) => listen(createServer(toNodeHandler(handler))),
};

/** Delivers `deliveries` in order, each at its own receipt time; resolves their statuses. */
async function deliverAll(url: string, clock: { now: number }, deliveries: readonly RealDelivery[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const d of deliveries) {
    clock.now = Date.parse(d.receivedAt);
    statuses.push((await post(url, d)).status);
  }
  return statuses;
}

describe.each(['fetch', 'node'] as const)('the twelve real Logto v1.37.1 deliveries over real HTTP (%s form)', (form) => {
  it('by default revoke the deleted user and the suspended one at the event, and nothing else', async () => {
    const clock = { now: Date.parse(realDeliveries[0]!.receivedAt) };
    const { kit, store, revoked, handler } = receiver(clock);
    const suspendedAt = createdAtOf(delivery('User.SuspensionStatus.Updated', 0));
    const deletedAt = createdAtOf(delivery('User.Deleted'));
    const beforeSuspension = await mint(ZV, suspendedAt - 1_000);
    const afterSuspension = await mint(ZV, endOfSecond(suspendedAt));
    const beforeDeletion = await mint(RUT, deletedAt - 1_000);
    expect(await deliverAll(await forms[form](handler), clock, realDeliveries)).toEqual(realDeliveries.map(() => 200));
    expect(revoked.sort()).toEqual([RUT, ZV]);
    const subjects = (store as ReturnType<typeof createMemoryRevocationStore>).snapshot().subjects;
    expect(subjects.sort((a, b) => a.sub.localeCompare(b.sub))).toEqual([
      { iss: REAL_ISSUER, sub: RUT, before: endOfSecond(deletedAt) },
      { iss: REAL_ISSUER, sub: ZV, before: endOfSecond(suspendedAt) },
    ]);
    expect([await refusal(kit, beforeSuspension), await refusal(kit, beforeDeletion)]).toEqual(['token_revoked', 'token_revoked']);
    // Issued after the suspension's second (and after the reactivation): not revoked, nor is the real token of the later sign-in.
    expect([await refusal(kit, afterSuspension), await refusal(kit, realToken)]).toEqual(['accepted', 'accepted']);
  });

  it('with revokeOn, a password reset revokes the real Logto token and a membership removal only that organization’s tokens', async () => {
    const clock = { now: Date.parse(realDeliveries[0]!.receivedAt) };
    const { kit, revoked, handler } = receiver(clock, { revokeOn: ['PostResetPassword', 'Organization.Membership.Updated'] });
    const url = await forms[form](handler);
    const removal = delivery('Organization.Membership.Updated', 1);
    const removedAt = createdAtOf(removal);
    const inOrg = await mint(ZV, removedAt - 1_000, { organization_id: ORG });
    const inOtherOrg = await mint(ZV, removedAt - 1_000, { organization_id: 'another-org' });
    const upToRemoval = realDeliveries.slice(0, realDeliveries.indexOf(removal) + 1);
    expect(await deliverAll(url, clock, upToRemoval)).toEqual(upToRemoval.map(() => 200));
    // The suspension, then the removal; adding users to the organization named nobody removed.
    expect(revoked).toEqual([ZV, JSON.stringify(['organization', ORG, ZV])]);
    expect([await refusal(kit, inOrg), await refusal(kit, inOtherOrg)]).toEqual(['token_revoked', 'accepted']);
    const rest = realDeliveries.slice(upToRemoval.length);
    clock.now = Date.parse(delivery('PostSignIn').receivedAt) + 1_000;
    expect(await refusal(kit, realToken)).toBe('accepted');
    expect(await deliverAll(url, clock, rest)).toEqual(rest.map(() => 200));
    expect(await refusal(kit, realToken)).toBe('token_revoked');
    expect(revoked.filter((sub) => sub === RUT || sub === ZV)).toEqual([ZV, RUT, ZV]);
  });
});

describe('the signature', () => {
  it('a tampered body, a tampered, missing or foreign signature: 401 and nothing applied; the genuine delivery then applies', async () => {
    const clock = { now: Date.parse(delivery('User.SuspensionStatus.Updated').receivedAt) };
    const { store, revoked, handler } = receiver(clock);
    const url = await forms.fetch(handler);
    const suspension = delivery('User.SuspensionStatus.Updated');
    const other = suspension.rawBody.replaceAll(ZV, RUT);
    const flipped = suspension.signature.slice(0, -1) + (suspension.signature.endsWith('0') ? '1' : '0');
    const attempts = [
      post(url, suspension, { body: other }),
      post(url, suspension, { body: suspension.rawBody + ' ' }),
      post(url, suspension, { signature: flipped }),
      post(url, suspension, { signature: null }),
      post(url, suspension, { signature: 'sha256=' + suspension.signature }),
      post(url, suspension, { body: other, signature: sign(other, 'not-the-signing-key') }),
    ];
    const answers = await Promise.all(attempts);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(((await answers[0]!.json()) as { error: string }).error).toBe('invalid_request');
    expect([store.size, revoked.length]).toEqual([0, 0]);
    expect((await post(url, suspension)).status).toBe(200);
    expect(revoked).toEqual([ZV]);
  });
});

describe('duplicate deliveries', () => {
  it('Logto’s retries of one delivery apply it once', async () => {
    const suspension = delivery('User.SuspensionStatus.Updated');
    const clock = { now: Date.parse(suspension.receivedAt) };
    const { revoked, handler } = receiver(clock);
    const url = await forms.node(handler);
    expect([(await post(url, suspension)).status, (await post(url, suspension)).status, (await post(url, suspension)).status]).toEqual([200, 200, 200]);
    expect(revoked).toEqual([ZV]);
  });

  it('a replay long after the event revokes nothing issued after it (the revocation time is the event’s, not the receipt’s)', async () => {
    const suspension = delivery('User.SuspensionStatus.Updated');
    const reactivatedAt = createdAtOf(delivery('User.SuspensionStatus.Updated', 1));
    const clock = { now: reactivatedAt + 600_000 };
    const { kit, handler } = receiver(clock);
    const afterReactivation = await mint(ZV, endOfSecond(reactivatedAt));
    const beforeSuspension = await mint(ZV, createdAtOf(suspension) - 1_000);
    expect((await handler(new Request('http://api.test/hook', { method: 'POST', headers: { 'content-type': 'application/json', 'logto-signature-sha-256': suspension.signature }, body: suspension.rawBody }))).status).toBe(200);
    expect([await refusal(kit, afterReactivation), await refusal(kit, beforeSuspension)]).toEqual(['accepted', 'token_revoked']);
  });
});

describe('Express and Next.js', () => {
  it('Express with no body parser and with express.raw() verify the raw body; after express.json() the signature cannot match (401)', async () => {
    const suspension = delivery('User.SuspensionStatus.Updated');
    const clock = { now: Date.parse(suspension.receivedAt) };
    const results: Record<string, [number, string[]]> = {};
    for (const parser of ['none', 'raw', 'json'] as const) {
      const { revoked, handler } = receiver(clock);
      const app = express();
      if (parser === 'raw') app.use(express.raw({ type: 'application/json' }));
      if (parser === 'json') app.use(express.json());
      app.post('/hook', toNodeHandler(handler));
      const url = await listen(createServer(app));
      results[parser] = [(await post(url, suspension)).status, revoked];
    }
    expect(results).toEqual({ none: [200, [ZV]], raw: [200, [ZV]], json: [401, []] });
  });

  it('a Next.js route handler called with a real Request', async () => {
    const deletion = delivery('User.Deleted');
    const clock = { now: Date.parse(deletion.receivedAt) };
    const { kit, revoked } = receiver(clock);
    const { POST } = createLogtoWebhookRoute({ kit, signingKey: realSigningKey });
    const request = new Request('http://localhost:3000/api/logto/webhook', { method: 'POST', headers: deletion.headers, body: deletion.rawBody });
    const response = await POST(request);
    expect([response.status, response.headers.get('cache-control')]).toEqual([200, 'no-store']);
    expect(revoked).toEqual([RUT]);
  });
});

describe('refusals and outages', () => {
  const deletion = delivery('User.Deleted');
  const signed = (body: string, headers: Record<string, string> = {}) =>
    new Request('http://api.test/hook', { method: 'POST', headers: { 'content-type': 'application/json', 'logto-signature-sha-256': sign(body), ...headers }, body });
  const describeOf = async (response: Response) => [response.status, ((await response.json()) as { error_description: string }).error_description];

  it('refuses what is not a signed Logto delivery, before or after the signature, and applies nothing', async () => {
    const clock = { now: Date.parse(deletion.receivedAt) };
    const { revoked, handler } = receiver(clock, { maxBodySize: 4_096 });
    const payload = JSON.parse(deletion.rawBody) as Record<string, unknown>;
    const future = JSON.stringify({ ...payload, createdAt: new Date(clock.now + 60_000).toISOString() });
    expect((await handler(new Request('http://api.test/hook'))).headers.get('allow')).toBe('POST');
    expect(await describeOf(await handler(signed(deletion.rawBody, { 'content-type': 'text/plain' })))).toEqual([415, 'Logto webhook takes application/json only']);
    expect(await describeOf(await handler(signed(JSON.stringify({ ...payload, pad: 'x'.repeat(4_096) }))))).toEqual([413, 'request body is larger than accepted']);
    expect(await describeOf(await handler(signed('{"event":')))).toEqual([400, 'request body is not JSON']);
    expect(await describeOf(await handler(signed('[]')))).toEqual([400, 'request body is not a JSON object']);
    expect(await describeOf(await handler(signed(JSON.stringify({ ...payload, createdAt: 'yesterday' }))))).toEqual([400, 'delivery has no ISO 8601 "createdAt"']);
    expect(await describeOf(await handler(signed(JSON.stringify({ event: 'User.Deleted', createdAt: payload.createdAt }))))).toEqual([400, 'User.Deleted delivery names no user']);
    expect(await describeOf(await handler(signed(future)))).toEqual([400, 'delivery "createdAt" lies in the future (check the clocks)']);
    expect(revoked).toEqual([]);
  });

  it('an unreachable store answers 503 (Logto retries 5xx), and the retry applies', async () => {
    const clock = { now: Date.parse(deletion.receivedAt) };
    const memory = createMemoryRevocationStore({ now: () => clock.now });
    let down = true;
    const store: RevocationStore = { ...memory, getRevokedAt: (sub, iss) => memory.getRevokedAt(sub, iss), revoke: (r) => memory.revoke(r), markJti: (jti, ttl) => (down ? Promise.reject(new Error('down')) : memory.markJti(jti, ttl)) };
    const { revoked, handler } = receiver(clock, {}, store);
    const url = await forms.fetch(handler);
    const first = await post(url, deletion);
    expect([first.status, first.headers.get('retry-after'), revoked]).toEqual([503, '5', []]);
    down = false;
    expect([(await post(url, deletion)).status, revoked]).toEqual([200, [RUT]]);
  });

  it('bad options throw a TypeError naming them', () => {
    const kit = createAuthKit({ issuer: REAL_ISSUER, jwksUrl: `${jwks.url}/oidc/jwks`, audience: AUDIENCE, revocation: createMemoryRevocationStore() });
    closers.push(() => kit.close());
    const bare = createAuthKit({ issuer: REAL_ISSUER, jwksUrl: `${jwks.url}/oidc/jwks`, audience: AUDIENCE });
    closers.push(() => bare.close());
    expect(() => createLogtoWebhookHandler({ kit, signingKey: '' })).toThrow(/"signingKey"/);
    expect(() => createLogtoWebhookHandler({ kit: bare, signingKey: 'k' })).toThrow(/"revocation"/);
    expect(() => createLogtoWebhookHandler({ kit, signingKey: 'k', revokeOn: ['User.Created' as 'PostResetPassword'] })).toThrow(/"revokeOn"/);
    expect(() => createLogtoWebhookHandler({ kit, signingKey: 'k', maxBodySize: 0 })).toThrow(/"maxBodySize"/);
  });
});
