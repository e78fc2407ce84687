import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { useLogtoAuth } from 'logto-authkit/graphql';
import type { TestIssuer } from 'logto-authkit/testing';
import { startOidcProvider, type OidcStandIn } from '../helpers/oidc-provider.js';
import { gql, startYogaServer, startYogaSuite, type TestServer, type YogaSuite } from './harness.js';

let issuer: TestIssuer;
let kit: AuthKit;
let server: TestServer;

let suite: YogaSuite;

beforeAll(async () => {
  suite = await startYogaSuite();
  ({ issuer, kit, server } = suite);
});
afterAll(() => suite.close());

describe('HTTP status of refusals', () => {
  it('every root field refused without a token: 401 with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    const { status, headers, body } = await gql(server.url, '{ me { id } secret }');
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  it('every root field refused for scope: 403 with insufficient_scope', async () => {
    const { status, headers } = await gql(server.url, '{ secret }', { token: await issuer.mintToken() });
    expect(status).toBe(403);
    expect(headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="insufficient_scope", .*scope="read:posts"$/);
  });

  it('an expired token: 401 invalid_token', async () => {
    const token = await issuer.mintToken({}, { now: Date.now() - 7200_000 });
    const { status, headers, body } = await gql(server.url, '{ secret }', { token });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
  });

  it('some fields refused, some resolved: 200 with data and errors, no challenge', async () => {
    const { status, headers, body } = await gql(server.url, '{ health me { id } }');
    expect(status).toBe(200);
    expect(headers.get('www-authenticate')).toBeNull();
    expect(body.data).toEqual({ health: 'ok', me: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it("passes Yoga's default error masking unchanged, while other errors are masked", async () => {
    const { body } = await gql(server.url, '{ me { id } crash }');
    const [auth, crash] = [body.errors?.find((e) => e.path?.[0] === 'me'), body.errors?.find((e) => e.path?.[0] === 'crash')];
    expect(auth).toMatchObject({ message: 'no access token was presented', extensions: { code: 'UNAUTHENTICATED' } });
    expect(crash).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('onDeny hears each refusal with path, code, required and had scopes', async () => {
    server.denials.length = 0;
    const token = await issuer.mintToken({ sub: 'auditor', scope: 'other' });
    await gql(server.url, '{ secret }', { token });
    expect(server.denials).toEqual([{ path: ['secret'], code: 'insufficient_scope', required: ['read:posts'], had: ['other'], userId: 'auditor' }]);
    expect(JSON.stringify(server.denials)).not.toContain(token);
  });
});

describe('options', () => {
  it("introspection: 'authenticated' refuses anonymous introspection with 401, 'public' allows it", async () => {
    const guarded = await startYogaServer(kit, { introspection: 'authenticated' });
    try {
      const query = '{ __schema { queryType { name } } }';
      const refused = await gql(guarded.url, query);
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await gql(guarded.url, query, { token: await issuer.mintToken() })).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await gql(guarded.url, '{ ...F } fragment F on Query { ... on Query { __type(name: "User") { name } } }')).status).toBe(401);
      expect((await gql(guarded.url, '{ health __typename }')).status).toBe(200);
      expect((await gql(server.url, query)).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await guarded.close();
    }
  });

  it('hooks validation and execution only when introspection is restricted (Yoga wraps them only for plugins that do)', () => {
    const hooks = (plugin: object): string[] => Object.keys(plugin).filter((name) => name === 'onValidate' || name === 'onExecute');
    expect(hooks(useLogtoAuth(kit))).toEqual([]);
    expect(hooks(useLogtoAuth(kit, { introspection: 'authenticated' })).sort()).toEqual(['onExecute', 'onValidate']);
  });

  it('refuses bad options at construction', () => {
    // @ts-expect-error a value outside the union
    expect(() => useLogtoAuth(kit, { introspection: 'private' })).toThrow(/"introspection" must be 'public' or 'authenticated'/);
  });
});

describe('identity-provider outage', () => {
  it('jwks_unavailable is SERVICE_UNAVAILABLE with 503, never UNAUTHENTICATED', async () => {
    const dead = createAuthKit({ issuer: issuer.issuer, jwksUrl: 'http://127.0.0.1:1/oidc/jwks', audience: issuer.audience, jwksTimeout: 500 });
    const down = await startYogaServer(dead);
    try {
      const { status, headers, body } = await gql(down.url, '{ secret }', { token: await issuer.mintToken({ scope: 'read:posts' }) });
      expect(status).toBe(503);
      expect(headers.get('www-authenticate')).toBeNull();
      // The key store says when it will try Logto again (RFC 9110 §10.2.3).
      expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'jwks_unavailable' });
    } finally {
      await down.close();
      dead.close();
    }
  });
});

describe('tokens from the real oidc-provider stand-in', () => {
  let op: OidcStandIn;
  let opKit: AuthKit;
  let opServer: TestServer;
  const API = 'https://api.example.test';
  beforeAll(async () => {
    op = await startOidcProvider();
    opKit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API });
    opServer = await startYogaServer(opKit);
  });
  afterAll(async () => {
    await opServer.close();
    opKit.close();
    await op.close();
  });

  it('a client_credentials token with the scope reads the field; without it, 403', async () => {
    const withScope = await op.clientCredentialsToken({ resource: API, scope: 'read:posts write:posts' });
    expect((await gql(opServer.url, '{ secret me { id } }', { token: withScope })).body.data).toEqual({ secret: 'the secret', me: { id: op.m2m.clientId } });
    const without = await gql(opServer.url, '{ secret }', { token: await op.clientCredentialsToken({ resource: API }) });
    expect(without.status).toBe(403);
    expect(without.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['read:posts'] });
  });
});

interface SSEEvent {
  event: string;
  data: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } | undefined;
}

async function sse(url: string, query: string, token?: string): Promise<{ status: number; events: SSEEvent[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  const events = text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const data = dataLine?.startsWith('data: ') ? (JSON.parse(dataLine.slice(6)) as SSEEvent['data']) : undefined;
      return { event: eventLine?.slice(7) ?? '', data };
    });
  return { status: response.status, events };
}

describe('subscriptions over SSE', () => {
  it('refuses an anonymous subscriber with UNAUTHENTICATED', async () => {
    const { events } = await sse(server.url, 'subscription { ticks }');
    expect(events[0]?.data?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(events.at(-1)?.event).toBe('complete');
  });

  it('streams to a valid token and ends at its exp + clockTolerance with token_expired', async () => {
    const started = Date.now();
    // 3 s past `exp`, inside the kit's default 5 s clockTolerance: 2 s of stream left.
    const token = await issuer.mintToken({}, { now: started - 63_000, expiresIn: 60 });
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000 + 5_000;
    const { events } = await sse(server.url, 'subscription { ticks }', token);
    expect(events.filter((e) => e.event === 'next' && e.data?.data).length).toBeGreaterThan(3);
    const last = events.filter((e) => e.event === 'next').at(-1);
    expect(last?.data?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
    // Ended by the expiry (the reason above), not before it; a stream that outlived it would end only at the test's timeout.
    expect(Date.now()).toBeGreaterThanOrEqual(exp);
  });
});
