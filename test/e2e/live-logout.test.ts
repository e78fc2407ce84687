/**
 * End to end with the real oidc-provider: a user signs in (authorization code
 * + PKCE), opens a tRPC WebSocket and a graphql-ws subscription, then signs
 * out at the provider. Its back-channel logout reaches the API's receiver, and
 * both open connections stop serving the user within a second.
 */
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import { createClient as createGraphQLWSClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAuthKit, createBackchannelLogoutHandler, createMemoryRevocationStore, toNodeHandler, type AuthKit } from 'logto-authkit';
import { startLogoutReceiver, type LogoutReceiver } from '../helpers/logout-receiver.js';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { signIn } from '../helpers/oidc-sign-in.js';
import { startYogaServer, type TestServer } from '../graphql/harness.js';
import { buildApp, startStandalone, type AppRouter, type RunningServer } from '../trpc/harness.js';

const API = 'https://api.example.test';

let op: OidcStandIn;
let kit: AuthKit;
let receiver: LogoutReceiver;
let receiverUrl: string;
let trpc: RunningServer;
let yoga: TestServer;
/** When the receiver accepted each logout (Date.now()). */
const logouts: { sub?: string; at: number }[] = [];

beforeAll(async () => {
  receiver = await startLogoutReceiver();
  receiverUrl = receiver.url;
  op = await startOidcProvider({ redirectUris: [`${receiverUrl}/callback`], backchannelLogoutUri: `${receiverUrl}/logout` });
  kit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API, revocation: createMemoryRevocationStore() });
  receiver.bind(toNodeHandler(createBackchannelLogoutHandler({ kit, clientId: op.spa.clientId, onRevoked: ({ sub }) => void logouts.push({ sub, at: Date.now() }) })));
  const app = buildApp(kit);
  trpc = await startStandalone(app.router, app.createContext);
  yoga = await startYogaServer(kit);
}, 60_000);
afterAll(async () => {
  await trpc?.close();
  await yoga?.close();
  kit?.close();
  await op?.close();
  await receiver?.close();
});

const socket = class extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, {});
  }
} as unknown as typeof globalThis.WebSocket;

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined);

describe('sign-out at the real oidc-provider reaches open connections', () => {
  it('ends the tRPC WebSocket subscription and the graphql-ws subscription within 1 s, and refuses later calls', async () => {
    const user = await signIn(op, { login: 'live-user', resource: API, redirectUri: `${receiverUrl}/callback` });

    // tRPC over a WebSocket: a subscription and, on the same socket, calls.
    const trpcSocket = createWSClient({ url: trpc.wsUrl, WebSocket: socket, connectionParams: () => ({ token: user.accessToken }), retryDelayMs: () => 50 });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: trpcSocket })] });
    expect(await client.me.query()).toMatchObject({ userId: 'live-user' });
    let trpcStarted: () => void = () => undefined;
    const trpcFirst = new Promise<void>((resolve) => (trpcStarted = resolve));
    const trpcEnded = new Promise<{ error: unknown; at: number }>((resolve) => {
      client.ticks.subscribe(undefined, { onData: () => trpcStarted(), onError: (error) => resolve({ error, at: Date.now() }) });
    });

    // graphql-ws: a subscription; retries off, so its close code is the one the server sent.
    let closedWith: (code: number) => void = () => undefined;
    const gqlClosed = new Promise<number>((resolve) => (closedWith = resolve));
    const gql = createGraphQLWSClient({
      url: yoga.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { token: user.accessToken },
      on: { closed: (event) => closedWith((event as { code: number }).code) },
    });
    let gqlStarted: () => void = () => undefined;
    const gqlFirst = new Promise<void>((resolve) => (gqlStarted = resolve));
    const gqlResults: { errors?: { extensions?: Record<string, unknown> }[] }[] = [];
    const gqlEnded = new Promise<number>((resolve) => {
      gql.subscribe(
        { query: 'subscription { ticks }' },
        {
          next: (result) => void (gqlResults.push(result as (typeof gqlResults)[number]), gqlStarted()),
          error: () => resolve(Date.now()),
          complete: () => resolve(Date.now()),
        },
      );
    });

    try {
      await Promise.all([trpcFirst, gqlFirst]);
      await user.signOut();
      expect(op.backchannelErrors).toEqual([]);
      expect(logouts).toEqual([{ sub: 'live-user', at: expect.any(Number) }]);
      const logoutAt = logouts[0]?.at ?? 0;

      const deadline = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 1_000));
      const [trpcEnd, gqlEnd] = await Promise.all([Promise.race([trpcEnded, deadline]), Promise.race([gqlEnded, deadline])]);
      expect(trpcEnd, 'the tRPC subscription still streamed 1 s after the logout').not.toBe('still open');
      expect(gqlEnd, 'the graphql-ws subscription still streamed 1 s after the logout').not.toBe('still open');
      if (trpcEnd === 'still open' || gqlEnd === 'still open') return;
      expect(trpcEnd.at - logoutAt).toBeLessThan(1_000);
      expect(gqlEnd - logoutAt).toBeLessThan(1_000);

      expect(codeOf(trpcEnd.error)).toBe('UNAUTHORIZED');
      expect(gqlResults.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_revoked' });
      expect(await Promise.race([gqlClosed, deadline])).toBe(4403);
      // The tRPC socket stays open for public procedures, but no longer serves the user.
      const refused = await client.me.query().catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('UNAUTHORIZED');
      expect((refused as Error).message).toMatch(/revoked/);
    } finally {
      trpcSocket.close();
      await gql.dispose();
    }
  });
});
