import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createLogtoWebhookHandler, toNodeHandler, type LogtoWebhookOptions } from '../../src/revocation/index.js';
import { createRedisRevocationStore } from '../../src/redis/index.js';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { countRevocations } from '../helpers/count-revocations.js';
import { createdAtOf, delivery, post, REAL_ISSUER, realSigningKey } from '../helpers/logto-webhooks.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { jwksAnswer, startServer, type ControlledServer } from '../helpers/serve-json.js';

const AUDIENCE = 'https://api.fixture.test';
const ZV = 'zv3q33wrekjg';
const liveJwks = JSON.parse(readFileSync(new URL('../fixtures/real-logto/jwks-live.json', import.meta.url), 'utf8')) as { keys: unknown[] };
const suspension = delivery('User.SuspensionStatus.Updated');
const clock = { now: Date.parse(suspension.receivedAt) };
const now = () => clock.now;

let redis: RedisServer;
let issuer: TestIssuer;
let jwks: ControlledServer;
const cleanup: (() => unknown)[] = [];

/** One API instance: its own Redis connection, store (a mirror kept by pub/sub), kit, and webhook receiver on node:http. */
async function instance(revokeOn: LogtoWebhookOptions['revokeOn'] = []) {
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: 50, connectTimeout: 1_000 } });
  client.on('error', () => undefined);
  await client.connect();
  cleanup.push(() => client.destroy());
  const redisStore = createRedisRevocationStore({ client, onError: () => undefined, retryDelay: 50, now });
  cleanup.push(() => redisStore.close());
  await redisStore.ready;
  const { store, revoked } = countRevocations(redisStore);
  const kit = createAuthKit({ issuer: REAL_ISSUER, jwksUrl: `${jwks.url}/oidc/jwks`, audience: AUDIENCE, revocation: store, now });
  cleanup.push(() => kit.close());
  const server = createServer(toNodeHandler(createLogtoWebhookHandler({ kit, signingKey: realSigningKey, revokeOn })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  return { kit, revoked, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}
const refusal = (kit: AuthKit, token: string) => kit.verifyToken(token).then(() => 'accepted', (error: { code: string }) => error.code);
async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(redisServerMissing())('Logto webhooks across two instances sharing a real redis-server', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    issuer = await createTestIssuer();
    const testKeys = (await (await fetch(issuer.jwksUrl)).json()) as { keys: unknown[] };
    jwks = await startServer(jwksAnswer({ keys: [...liveJwks.keys, ...testKeys.keys] }));
  });
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await jwks?.close();
    await issuer?.close();
    await redis?.close();
  });

  it('a suspension delivered to instance A makes instance B refuse the user’s token; Logto’s retry landing on B is not applied again', async () => {
    const a = await instance();
    const b = await instance();
    const token = await issuer.mintToken({ sub: ZV, iss: REAL_ISSUER, aud: AUDIENCE }, { now: createdAtOf(suspension) - 1_000 });
    // B has verified (and cached) the token before the suspension.
    expect([await refusal(a.kit, token), await refusal(b.kit, token)]).toEqual(['accepted', 'accepted']);
    expect((await post(a.url, suspension)).status).toBe(200);
    await until(async () => (await refusal(b.kit, token)) === 'token_revoked');
    expect(await refusal(a.kit, token)).toBe('token_revoked');
    // The same delivery again, now through B (a load balancer in front of both).
    expect((await post(b.url, suspension)).status).toBe(200);
    expect([a.revoked, b.revoked]).toEqual([[ZV], []]);
    // The reactivation revokes nothing on either instance; a token issued after it is accepted by both.
    const reactivation = delivery('User.SuspensionStatus.Updated', 1);
    clock.now = Date.parse(reactivation.receivedAt);
    expect((await post(b.url, reactivation)).status).toBe(200);
    const fresh = await issuer.mintToken({ sub: ZV, iss: REAL_ISSUER, aud: AUDIENCE }, { now: createdAtOf(reactivation) });
    expect([await refusal(a.kit, fresh), await refusal(b.kit, fresh), a.revoked, b.revoked]).toEqual(['accepted', 'accepted', [ZV], []]);
  });

  it('a membership removal delivered to A makes B refuse the user’s tokens of that organization only', async () => {
    const removal = delivery('Organization.Membership.Updated', 1);
    clock.now = Date.parse(removal.receivedAt);
    const a = await instance(['Organization.Membership.Updated']);
    const b = await instance(['Organization.Membership.Updated']);
    const iat = createdAtOf(removal) - 1_000;
    const inOrg = await issuer.mintToken({ sub: ZV, iss: REAL_ISSUER, aud: AUDIENCE, organization_id: 'rx0q2idigazc' }, { now: iat });
    const elsewhere = await issuer.mintToken({ sub: ZV, iss: REAL_ISSUER, aud: AUDIENCE, organization_id: 'another-org' }, { now: iat });
    expect([await refusal(b.kit, inOrg), await refusal(b.kit, elsewhere)]).toEqual(['accepted', 'accepted']);
    expect((await post(a.url, removal)).status).toBe(200);
    await until(async () => (await refusal(b.kit, inOrg)) === 'token_revoked');
    expect(await refusal(b.kit, elsewhere)).toBe('accepted');
  });
});
