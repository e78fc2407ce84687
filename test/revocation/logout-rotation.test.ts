/**
 * A back-channel logout signed by the key Logto just rotated to, delivered by the real
 * `oidc-provider` to a receiver on 127.0.0.1, after junk-kid tokens spent the key store's
 * refetch budget: the logout must still land, or the stolen access token stays valid.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthKit } from '../../src/core/kit.js';
import { createBackchannelLogoutHandler, createMemoryRevocationStore, toNodeHandler, type NodeHandler } from '../../src/revocation/index.js';
import { createTestIssuer } from '../../src/testing/index.js';
import { startOidcProvider } from '../helpers/oidc-provider.js';
import { signIn } from '../helpers/oidc-sign-in.js';

const API = 'https://api.example.test';
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const withKid = (token: string, kid: string): string => {
  const [header = '', ...rest] = token.split('.');
  const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  return [Buffer.from(JSON.stringify({ ...decoded, kid })).toString('base64url'), ...rest].join('.');
};

async function receiver() {
  let handler: NodeHandler | undefined;
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    res.on('finish', () => statuses.push(res.statusCode));
    if (handler) void handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, statuses, serve: (next: NodeHandler) => void (handler = next) };
}

describe('back-channel logout across a key rotation (the real oidc-provider)', () => {
  it('a logout token signed by the new key is accepted although junk kids spent the refetch budget', async () => {
    const rp = await receiver();
    const redirectUri = `${rp.base}/callback`;
    const op = await startOidcProvider({ redirectUris: [redirectUri], backchannelLogoutUri: `${rp.base}/logout` });
    closers.push(() => op.close());
    const revocation = createMemoryRevocationStore();
    const kit = createAuthKit({ logtoUrl: op.logtoUrl, audience: API, revocation });
    closers.push(() => kit.close());
    rp.serve(toNodeHandler(createBackchannelLogoutHandler({ kit, clientId: op.spa.clientId })));

    const before = await op.clientCredentialsToken({ resource: API });
    expect((await kit.verifyToken(before)).userId).toBe(op.m2m.clientId);
    for (let i = 0; i < 10; i++) {
      const auth = await kit.createAuthContext({ headers: { authorization: `Bearer ${withKid(before, `junk-${i}`)}` } });
      expect(auth.status).toBe('anonymous');
    }
    // The new key signs at once: the user's tokens and the logout token alike.
    await op.rotateKeys();
    const user = await signIn(op, { login: 'user-42', resource: API, redirectUri });
    expect(user.accessToken.split('.')[0]).not.toBe(before.split('.')[0]);
    await user.signOut();

    expect(rp.statuses).toEqual([200]);
    expect(op.backchannelErrors).toEqual([]);
    await expect(kit.verifyToken(user.accessToken)).rejects.toMatchObject({ code: 'token_revoked', status: 401 });
  });

  it('forced refetches are bounded: forged logout kids get 400 while looked up, then 503 with the store\'s Retry-After', async () => {
    const issuer = await createTestIssuer();
    closers.push(() => issuer.close());
    const revocation = createMemoryRevocationStore();
    const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, revocation });
    closers.push(() => kit.close());
    const handler = createBackchannelLogoutHandler({ kit, clientId: issuer.clientId });
    const post = async (kid: string) =>
      handler(new Request('http://api.test/logout', { method: 'POST', body: new URLSearchParams({ logout_token: await issuer.mintLogoutToken({ sub: 'u' }, { kid }) }) }));
    expect((await kit.verifyToken(await issuer.mintToken())).status).toBe('authenticated');
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await post(`forged-${i}`)).status);
    // Three from the shared budget, ten forced: every kid was looked up, so a plain refusal.
    expect(statuses).toEqual(Array.from({ length: 13 }, () => 400));
    expect(kit.jwks.fetchCount).toBe(14);
    const spent = await post('forged-13');
    expect(spent.status).toBe(503);
    expect(spent.headers.get('retry-after')).toBe('10');
    expect(kit.jwks.fetchCount).toBe(14);
  });
});
