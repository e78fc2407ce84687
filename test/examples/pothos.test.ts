import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { useLogtoAuth } from 'logto-authkit/graphql';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';
import { createPothosSchema } from '../../examples/pothos/schema.js';
import { gql } from '../graphql/harness.js';

// examples/pothos served as its server.ts does, with tokens like the ones it prints.
let issuer: TestIssuer;
let kit: AuthKit;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience });
  const yoga = createYoga({ schema: createPothosSchema(), logging: false, plugins: [useLogtoAuth(kit)] });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close();
  kit.close();
  await issuer.close();
});

describe('examples/pothos', () => {
  it("the README's requests: 200 for the writer, 401 without a token, 403 for the reader", async () => {
    const writer = await issuer.mintToken({ sub: 'writer', scope: 'read:posts write:posts' });
    const reader = await issuer.mintToken({ sub: 'reader', scope: 'read:posts' });
    const created = await gql(url, 'mutation { createPost(title: "Hello") { id title author } }', { token: writer });
    expect(created).toMatchObject({ status: 200, body: { data: { createPost: { id: '1', title: 'Hello', author: 'writer' } } } });
    const anonymous = await gql(url, '{ me }');
    expect([anonymous.status, anonymous.headers.get('www-authenticate'), anonymous.body.errors?.[0]?.extensions?.code]).toEqual([401, 'Bearer realm="api"', 'UNAUTHENTICATED']);
    const refused = await gql(url, 'mutation { createPost(title: "Hello") { id } }', { token: reader });
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'insufficient_scope', missingScopes: ['write:posts'] });
  });

  it('deletePost needs write:posts and authorship ($all): another writer is refused by the policy', async () => {
    const author = await issuer.mintToken({ sub: 'author', scope: 'read:posts write:posts' });
    const other = await issuer.mintToken({ sub: 'other', scope: 'read:posts write:posts' });
    const { body } = await gql(url, 'mutation { createPost(title: "Mine") { id } }', { token: author });
    const id = (body.data?.createPost as { id: string }).id;
    const denied = await gql(url, `mutation { deletePost(id: "${id}") }`, { token: other });
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'policy_denied' });
    expect((await gql(url, `mutation { deletePost(id: "${id}") }`, { token: author })).body).toEqual({ data: { deletePost: true } });
  });
});
