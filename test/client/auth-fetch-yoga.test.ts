import { createAuthFetch, type FetchFunction } from 'logto-authkit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startYogaSuite, type YogaSuite } from '../graphql/harness.js';

// Yoga answers a fully refused operation with 401 and RFC 6750's challenge, as the HTTP adapters do.
let suite: YogaSuite;
beforeAll(async () => {
  suite = await startYogaSuite();
});
afterAll(() => suite.close());

function post(authFetch: FetchFunction, query: string) {
  return authFetch(suite.server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify({ query }) });
}

function tokenSource(tokens: string[]) {
  const calls = { get: 0, clear: 0 };
  return { calls, getAccessToken: async () => tokens[Math.min(calls.get++, tokens.length - 1)] ?? null, clearAccessToken: async () => void calls.clear++ };
}

describe('createAuthFetch against GraphQL Yoga over HTTP', () => {
  it('an expired token is replaced once and the operation runs', async () => {
    const source = tokenSource([await suite.issuer.mintToken({ sub: 'gql-user' }, { now: Date.now() - 7_200_000 }), await suite.issuer.mintToken({ sub: 'gql-user' })]);
    const response = await post(createAuthFetch(source), '{ me { id } }');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { id: 'gql-user' } } });
    expect(source.calls).toEqual({ get: 2, clear: 1 });
  });

  it('a missing scope (403 insufficient_scope) is not retried', async () => {
    const source = tokenSource([await suite.issuer.mintToken({ sub: 'gql-user' }), await suite.issuer.mintToken({ sub: 'gql-user', scope: 'write:posts' })]);
    const response = await post(createAuthFetch(source), 'mutation { createPost(title: "x") { id } }');
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(source.calls).toEqual({ get: 1, clear: 0 });
  });
});
