import type LogtoClient from '@logto/browser';
import type NodeClient from '@logto/node';
import { createClient } from 'graphql-ws';
import { createAuthFetch, createGraphQLWSClientAuth, createTRPCClientAuth, type AccessTokenGetter, type TokenSource } from 'logto-authkit/client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';

// A type test: Logto's SDK methods fit the helpers as they are, without the helpers importing an SDK.
describe('logto-authkit/client types', () => {
  it('takes @logto/browser and @logto/node methods unchanged', () => {
    expectTypeOf<LogtoClient['getAccessToken']>().toMatchTypeOf<AccessTokenGetter>();
    expectTypeOf<LogtoClient['clearAccessToken']>().toMatchTypeOf<NonNullable<TokenSource['clearAccessToken']>>();
    expectTypeOf<NodeClient['getAccessToken']>().toMatchTypeOf<AccessTokenGetter>();
    // getOrganizationToken takes the organization first: it fits through a closure.
    expectTypeOf<(id: string) => Promise<string>>().not.toMatchTypeOf<AccessTokenGetter>();
    expectTypeOf(createAuthFetch).returns.toEqualTypeOf<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>();
  });

  it('graphql-ws createClient accepts connectionParams and shouldRetry, and auth.subscribe accepts the client', () => {
    const auth = createGraphQLWSClientAuth({ getAccessToken: async () => null });
    // Type-checked, never run (it would connect).
    const wire = () => {
      const client = createClient({ url: 'ws://127.0.0.1:9/graphql', webSocketImpl: WebSocket, connectionParams: auth.connectionParams, shouldRetry: auth.shouldRetry });
      return auth.subscribe(client, { query: '{ health }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    };
    expectTypeOf(wire).returns.toEqualTypeOf<() => void>();
    expect(typeof createTRPCClientAuth({ getAccessToken: async () => null }).link).toBe('function');
  });
});
