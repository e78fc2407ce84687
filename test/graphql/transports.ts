import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import type { AuthKit } from 'logto-authkit';
import { createGraphQLWSAuth, useLogtoAuth, type LogtoAuthPluginOptions } from 'logto-authkit/graphql';

/** One GraphQL response, however it travelled. */
export interface TransportResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export type Transport = 'http' | 'sse' | 'ws';
export const transports: readonly Transport[] = ['http', 'sse', 'ws'];

export interface SchemaServer {
  /** Run one query or mutation over `transport`; the token goes in the Authorization header or `connectionParams`. */
  run(transport: Transport, query: string, token?: string, variables?: Record<string, unknown>): Promise<TransportResult>;
  close(): Promise<void>;
}

async function overHTTP(url: string, query: string, token: string | undefined, accept: string, variables?: Record<string, unknown>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
}

// Yoga answers a query sent with `accept: text/event-stream` as one `next` event then `complete`.
async function overSSE(url: string, query: string, token: string | undefined, variables?: Record<string, unknown>): Promise<TransportResult> {
  const text = await (await overHTTP(url, query, token, 'text/event-stream', variables)).text();
  const next = text.split('\n\n').find((block) => block.startsWith('event: next'));
  const data = next?.split('\n').find((line) => line.startsWith('data: '));
  if (!data) throw new Error(`no next event in ${JSON.stringify(text)}`);
  return JSON.parse(data.slice(6)) as TransportResult;
}

async function overWS(url: string, query: string, token: string | undefined, variables?: Record<string, unknown>): Promise<TransportResult> {
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: token ? { token } : {} });
  try {
    for await (const result of client.iterate({ query, ...(variables ? { variables } : {}) })) return result as TransportResult;
    throw new Error('graphql-ws completed without a result');
  } catch (error) {
    // Validation errors arrive as an `error` message, which graphql-ws's iterator throws as the error list.
    if (Array.isArray(error)) return { errors: error as TransportResult['errors'] };
    throw error;
  } finally {
    await client.dispose();
  }
}

/** Serve `schema` with `useLogtoAuth` over Yoga on 127.0.0.1:0: HTTP, SSE and graphql-ws on one port. */
export async function serveSchema(kit: AuthKit, schema: GraphQLSchema, options: LogtoAuthPluginOptions = {}): Promise<SchemaServer> {
  const yoga = createYoga({ schema, logging: false, plugins: [useLogtoAuth(kit, options)] });
  const server = createServer(yoga);
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(createGraphQLWSAuth(kit, { yoga }), wss);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    async run(transport, query, token, variables) {
      if (transport === 'sse') return overSSE(url, query, token, variables);
      if (transport === 'ws') return overWS(`ws://127.0.0.1:${port}/graphql`, query, token, variables);
      return (await (await overHTTP(url, query, token, 'application/graphql-response+json', variables)).json()) as TransportResult;
    },
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
