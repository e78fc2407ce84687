import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createAuthKit, type AuthKit } from 'logto-authkit';
import { createBackchannelLogoutHandler, toNodeHandler } from '../../src/revocation/index.js';
import { createRedisRevocationStore, type RedisRevocationStore } from '../../src/redis/index.js';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { signIn } from '../helpers/oidc-sign-in.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const API = 'https://api.example.test';
const REDIRECT = 'http://127.0.0.1:3000/callback';

async function refusal(kit: AuthKit, token: string): Promise<string | undefined> {
  return kit.verifyToken(token).then(() => undefined, (error: unknown) => (error instanceof AuthError ? error.code : Promise.reject(error)));
}

describe.skipIf(redisServerMissing())('one revocation store shared by two tenants (issuers), logouts from the real oidc-provider', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  let store: RedisRevocationStore;
  let server: Server;
  let tenantA: OidcStandIn;
  let tenantB: OidcStandIn;
  let kitA: AuthKit;
  let kitB: AuthKit;

  beforeAll(async () => {
    redis = await startRedisServer();
    client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    store = createRedisRevocationStore({ client, onError: () => undefined });
    await store.ready;
    // The receivers must be listening before the providers learn their URIs.
    const routes = new Map<string, (req: never, res: never) => void>();
    server = createServer((req, res) => {
      const route = routes.get(req.url ?? '');
      if (route) route(req as never, res as never);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tenantA = await startOidcProvider({ redirectUris: [REDIRECT], backchannelLogoutUri: `${base}/logout/a` });
    tenantB = await startOidcProvider({ redirectUris: [REDIRECT], backchannelLogoutUri: `${base}/logout/b` });
    kitA = createAuthKit({ logtoUrl: tenantA.logtoUrl, audience: API, revocation: store });
    kitB = createAuthKit({ logtoUrl: tenantB.logtoUrl, audience: API, revocation: store });
    routes.set('/logout/a', toNodeHandler(createBackchannelLogoutHandler({ kit: kitA, clientId: tenantA.spa.clientId })));
    routes.set('/logout/b', toNodeHandler(createBackchannelLogoutHandler({ kit: kitB, clientId: tenantB.spa.clientId })));
  }, 60_000);
  afterAll(async () => {
    kitA?.close();
    kitB?.close();
    await store?.close();
    client?.destroy();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await tenantA?.close();
    await tenantB?.close();
    await redis?.close();
  });

  it('regression: a logout in tenant B revokes B’s user only, not tenant A’s user of the same id', async () => {
    const inA = await signIn(tenantA, { login: 'same-id', resource: API, redirectUri: REDIRECT });
    const inB = await signIn(tenantB, { login: 'same-id', resource: API, redirectUri: REDIRECT });
    expect((await kitA.verifyToken(inA.accessToken)).userId).toBe('same-id');
    expect((await kitB.verifyToken(inB.accessToken)).userId).toBe('same-id');
    await inB.signOut();
    expect(tenantB.backchannelErrors).toEqual([]);
    expect(await refusal(kitB, inB.accessToken)).toBe('token_revoked');
    expect(await refusal(kitA, inA.accessToken)).toBeUndefined();
    expect(store.getRevokedAt('same-id', tenantB.issuer)).toBeDefined();
    expect(store.getRevokedAt('same-id', tenantA.issuer)).toBeUndefined();
    // And the other way round.
    await inA.signOut();
    expect(await refusal(kitA, inA.accessToken)).toBe('token_revoked');
  });
});
