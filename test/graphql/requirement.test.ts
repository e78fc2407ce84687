/**
 * The requirement evaluator through a real Yoga server over HTTP, SSE and
 * graphql-ws: one order, policies per operation execution and per
 * subscription event, a throwing policy is INTERNAL_SERVER_ERROR.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createPubSub, createYoga } from 'graphql-yoga';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { createAuthKit, definePolicy, type AuthKit } from 'logto-authkit';
import { authDirectiveTransformer, authDirectiveTypeDefs, createGraphQLWSAuth, useLogtoAuth } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from './harness.js';

const typeDefs = /* GraphQL */ `
  type Query {
    ordered(orgId: ID!): String @auth(organizationArg: "orgId", scope: "admin", policy: "denyAll")
    doc(docId: ID!): String @auth(policy: "canRead")
    broken: String @auth(policy: "down")
    admin: String @auth(scope: "admin")
    orgAdmin(orgId: ID!): String @auth(organizationArg: "orgId", scope: "admin")
  }
  type Mutation {
    leave(docId: ID!): Boolean
    touch(docId: ID!): String @auth(policy: "canRead")
  }
  type Subscription {
    docEvents(docId: ID!): Int @auth(policy: "canRead")
  }
`;

const acl = new Set<string>();
const runs = { canRead: 0, denyAll: 0 };
const readers: string[] = [];
let subscribers = 0;
const pubsub = createPubSub<{ doc: [{ n: number }] }>();

function buildSchema() {
  const canRead = definePolicy('canRead', (auth, _ctx, args: { docId?: string }) => (runs.canRead++, readers.push(auth.userId), acl.has(`${auth.userId}:${args.docId}`)));
  const denyAll = definePolicy('denyAll', () => (runs.denyAll++, false));
  const down = definePolicy('down', () => {
    throw new Error('database down');
  });
  const resolvers = {
    Query: { ordered: () => 'never', doc: (_: unknown, args: { docId: string }) => args.docId, broken: () => 'never', admin: () => 'admin', orgAdmin: () => 'org admin' },
    Mutation: {
      leave: (_: unknown, args: { docId: string }, ctx: { auth: { userId: string } }) => acl.delete(`${ctx.auth.userId}:${args.docId}`),
      touch: (_: unknown, args: { docId: string }) => args.docId,
    },
    Subscription: {
      docEvents: {
        subscribe: () => (subscribers++, pubsub.subscribe('doc')),
        resolve: (payload: { n: number }) => payload.n,
      },
    },
  };
  return authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, typeDefs], resolvers }), { policies: [canRead, denyAll, down] });
}

let issuer: TestIssuer;
let kit: AuthKit;
let url: string;
let wsUrl: string;
let close: () => Promise<void>;
const clients: Client[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, organizationTokens: true });
  const yoga = createYoga({ schema: buildSchema(), logging: false, plugins: [useLogtoAuth(kit)] });
  const server = createServer(yoga);
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(createGraphQLWSAuth(kit, { yoga }), wss);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}/graphql`;
  wsUrl = `ws://127.0.0.1:${port}/graphql`;
  close = async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
});
afterAll(async () => {
  await close();
  kit.close();
  await issuer.close();
});

interface Result {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Waits (up to a generous 5 s) until a new subscriber is registered, so a publish reaches it. */
async function subscribed(before: number): Promise<void> {
  for (const deadline = Date.now() + 5_000; subscribers === before; ) {
    if (Date.now() > deadline) throw new Error('the subscription never started');
    await sleep(10);
  }
}

/** A graphql-ws subscription whose results are pulled one at a time. */
function wsSubscription(token: string, query: string): AsyncIterator<Result> {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { token } });
  clients.push(client);
  return client.iterate({ query })[Symbol.asyncIterator]() as AsyncIterator<Result>;
}

/** An SSE subscription (Yoga's GraphQL over SSE, distinct connections mode) whose `next` events are pulled one at a time. */
async function* sseSubscription(token: string, query: string): AsyncGenerator<Result> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (block.startsWith('event: next') && data) yield JSON.parse(data.slice(6)) as Result;
      }
    }
  } finally {
    await reader.cancel();
  }
}

describe('GraphQL @auth: rules are read by the core parser when the schema is built', () => {
  it('organizationArg with allowGuest fails the build, as organization with allowGuest does everywhere', () => {
    const sdl = 'type Query { a(orgId: ID!): String @auth(organizationArg: "orgId", allowGuest: true) }';
    expect(() => authDirectiveTransformer(makeExecutableSchema({ typeDefs: [authDirectiveTypeDefs, sdl] }))).toThrow(/@auth on Query\.a options "organization" and "allowGuest" exclude each other/);
  });
});

describe('GraphQL @auth: one order', () => {
  it('organization before scopes before policy', async () => {
    const before = runs.denyAll;
    const query = '{ ordered(orgId: "org-a") }';
    const reason = async (claims: Record<string, unknown>) => (await gql(url, query, { token: await issuer.mintToken(claims) })).body.errors?.[0]?.extensions?.reason;
    expect(await reason({ organization_id: 'org-b' })).toBe('organization_mismatch');
    expect(await reason({ organization_id: 'org-a' })).toBe('insufficient_scope');
    expect(runs.denyAll).toBe(before);
    expect(await reason({ organization_id: 'org-a', scope: 'admin' })).toBe('policy_denied');
    expect(runs.denyAll).toBe(before + 1);
  });
});

describe('GraphQL policies: per operation execution and per subscription event', () => {
  it('one operation runs a rule once per arguments; the next operation runs it again', async () => {
    acl.add('op-user:d1');
    const token = await issuer.mintToken({ sub: 'op-user' });
    const before = runs.canRead;
    const { body } = await gql(url, '{ a: doc(docId: "d1") b: doc(docId: "d1") }', { token });
    expect(body.data).toEqual({ a: 'd1', b: 'd1' });
    expect(runs.canRead - before).toBe(1);
    acl.delete('op-user:d1');
    expect((await gql(url, '{ doc(docId: "d1") }', { token })).body.errors?.[0]?.extensions?.reason).toBe('policy_denied');
  });

  it('a mutation’s fields run in sequence, and a policy after a field that changed the data runs again', async () => {
    acl.add('mutator:d1');
    const { body } = await gql(url, 'mutation { a: touch(docId: "d1") leave(docId: "d1") b: touch(docId: "d1") }', { token: await issuer.mintToken({ sub: 'mutator' }) });
    expect(body.data).toEqual({ a: 'd1', leave: true, b: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['b'], extensions: { reason: 'policy_denied' } });
  });

  it.each(['graphql-ws', 'SSE'] as const)('over %s, a subscription re-runs its policy for each event and stops admitting once the user leaves the ACL', async (transport) => {
    const token = await issuer.mintToken({ sub: `sub-${transport}` });
    acl.add(`sub-${transport}:d1`);
    const query = 'subscription { docEvents(docId: "d1") }';
    const before = subscribers;
    const events = transport === 'SSE' ? sseSubscription(token, query) : wsSubscription(token, query);
    const next = events.next();
    await subscribed(before);
    const user = `sub-${transport}`;
    const runsBefore = readers.filter((id) => id === user).length;
    // One payload object for every event: results must not be keyed by the event's value.
    const payload = { n: 1 };
    pubsub.publish('doc', payload);
    expect((await next).value).toEqual({ data: { docEvents: 1 } });
    acl.delete(`sub-${transport}:d1`);
    pubsub.publish('doc', payload);
    const denied = (await events.next()).value as Result;
    expect(denied.data).toEqual({ docEvents: null });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'policy_denied' });
    acl.add(`sub-${transport}:d1`);
    pubsub.publish('doc', { n: 3 });
    expect((await events.next()).value).toEqual({ data: { docEvents: 3 } });
    expect(readers.filter((id) => id === user).length - runsBefore).toBe(3); // once per event
    await events.return?.();
  });
});

describe('GraphQL: a policy that throws', () => {
  it('is INTERNAL_SERVER_ERROR policy_error (HTTP 500), never FORBIDDEN', async () => {
    const { status, body } = await gql(url, '{ broken }', { token: await issuer.mintToken() });
    expect(status).toBe(500);
    expect(body.errors?.[0]).toMatchObject({ message: 'policy "down" could not be evaluated', path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'policy_error' } });
    expect(JSON.stringify(body)).not.toContain('database down');
  });
});

describe('GraphQL: organization tokens and API scopes', () => {
  it('an organization token’s admin permission does not pass @auth(scope: "admin") on a field naming no organization', async () => {
    const token = await issuer.mintOrganizationToken('org-a', ['admin']);
    const denied = await gql(url, '{ admin }', { token });
    expect(denied.status).toBe(403);
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope' });
    expect((await gql(url, '{ orgAdmin(orgId: "org-a") }', { token })).body.data).toEqual({ orgAdmin: 'org admin' });
  });
});
