import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { createTRPCClientAuth } from 'logto-authkit/client';
import { describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AppRouter } from '../trpc/harness.js';

// tRPC's createWSClient reconnects after every close. A server that closes with
// 4403 gets a fresh token on the reconnect; one that closes with 4401 or 4400 no reconnect.
// The server here records each connection's connectionParams (tRPC's first message) and closes as told.
async function closingServer(closeWith: (connection: number) => number | undefined) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const tokens: (string | null)[] = [];
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  wss.on('connection', (socket) => {
    socket.once('message', (data) => {
      const message = JSON.parse(String(data)) as { method?: string; data?: { token?: string } | null };
      tokens.push(message.method === 'connectionParams' ? (message.data?.token ?? null) : null);
      const code = closeWith(tokens.length);
      if (code === undefined) settle();
      else socket.close(code, 'refused');
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, tokens, settled, close: () => new Promise((resolve) => wss.close(resolve)) };
}

function tokenSource(tokens: string[]) {
  const calls = { get: 0, clear: 0 };
  return { calls, getAccessToken: async () => tokens[Math.min(calls.get++, tokens.length - 1)] ?? null, clearAccessToken: async () => void calls.clear++ };
}

describe('createTRPCClientAuth onClose with tRPC’s createWSClient', () => {
  it('after close 4403 the reconnect sends a fresh token', async () => {
    const server = await closingServer((n) => (n === 1 ? 4403 : undefined));
    const source = tokenSource(['old-token', 'fresh-token']);
    const auth = createTRPCClientAuth(source);
    const wsClient = createWSClient({
      url: server.url,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: auth.connectionParams,
      retryDelayMs: () => 0,
      onClose: (cause) => auth.onClose(cause, wsClient),
    });
    try {
      await server.settled;
      expect(server.tokens).toEqual(['old-token', 'fresh-token']);
      expect(source.calls).toEqual({ get: 2, clear: 1 });
    } finally {
      await wsClient.close();
      await server.close();
    }
  });

  for (const code of [4401, 4400]) {
    it(`after close ${code} the client stops: one connection, its subscription ends`, async () => {
      const server = await closingServer(() => code);
      const auth = createTRPCClientAuth(tokenSource(['a-token']));
      const wsClient = createWSClient({
        url: server.url,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: auth.connectionParams,
        retryDelayMs: () => 0,
        onClose: (cause) => auth.onClose(cause, wsClient),
      });
      const client = createTRPCClient<AppRouter>({ links: [auth.link({ wsClient }), wsLink({ client: wsClient })] });
      try {
        // The subscription ends (completed by wsClient.close(), or failed if it was being sent as the socket closed);
        // a reconnecting client would keep it pending.
        await new Promise<void>((resolve) => {
          client.ticks.subscribe(undefined, { onComplete: resolve, onError: () => resolve() });
        });
        // A generous deadline on a real event: the client settles as closed, not reconnecting.
        await vi.waitFor(() => expect(wsClient.connectionState.get().state).toBe('idle'), { timeout: 5_000 });
        expect(server.tokens).toEqual(['a-token']);
      } finally {
        await wsClient.close();
        await server.close();
      }
    });
  }
});
