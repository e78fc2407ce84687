import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createTestIssuer, generateTestSigningKey, type TestIssuer } from '../../src/testing/index.js';

/** What ./exercise.mjs reports per case. */
export interface Answer {
  status: number;
  wwwAuthenticate: string | null;
  body: unknown;
}

/** The test issuer on 127.0.0.1 and the env the runtime apps read (./app.mjs, ./exercise.mjs). */
export async function startRuntimeIssuer(): Promise<{ issuer: TestIssuer; env: Record<string, string> }> {
  if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) throw new Error('run `npm run build` first: the runtimes load dist/');
  const issuer = await createTestIssuer();
  const foreignKey = await (await generateTestSigningKey()).signingKey('ES384');
  const env = {
    LOGTO_URL: issuer.logtoUrl,
    AUDIENCE: issuer.audience,
    CLIENT_ID: issuer.clientId,
    GOOD: await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' }),
    // Signed by another key under the issuer's own kid: a forgery.
    FORGED: await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' }, { key: foreignKey }),
    NO_SCOPE: await issuer.mintToken({ sub: 'user-2', scope: 'read:posts' }),
    LOGOUT_USER: await issuer.mintToken({ sub: 'user-3', scope: 'write:posts' }),
    LOGOUT: await issuer.mintLogoutToken({ sub: 'user-3' }),
  };
  return { issuer, env };
}

const statuses = (results: Record<string, Answer>, names: string[]) => names.map((name) => results[name]?.status);

/** The same answers from every runtime: core, Hono, Yoga and the back-channel logout receiver. */
export function expectRuntimeResults(results: Record<string, Answer>): void {
  expect(results.GOOD).toMatchObject({ status: 200, body: { userId: 'user-1' } });
  expect(results.FORGED?.status).toBe(401);
  expect(results.FORGED?.wwwAuthenticate).toMatch(/error="invalid_token"/);
  expect(results.NO_SCOPE?.status).toBe(403);
  expect(results.NO_SCOPE?.wwwAuthenticate).toMatch(/error="insufficient_scope".*scope="write:posts"/);
  expect(results.NONE?.status).toBe(401);
  expect(results.NONE?.wwwAuthenticate).not.toMatch(/error=/);

  expect(statuses(results, ['HONO_GOOD', 'HONO_FORGED', 'HONO_NO_SCOPE', 'HONO_NONE'])).toEqual([200, 401, 403, 401]);
  expect(results.HONO_GOOD?.body).toEqual({ userId: 'user-1' });
  expect(results.HONO_NO_SCOPE?.wwwAuthenticate).toBe(results.NO_SCOPE?.wwwAuthenticate);

  expect(statuses(results, ['YOGA_PUBLIC', 'YOGA_GOOD', 'YOGA_FORGED', 'YOGA_NONE', 'YOGA_NO_SCOPE'])).toEqual([200, 200, 401, 401, 403]);
  expect(results.YOGA_PUBLIC?.body).toEqual({ data: { health: 'ok' } });
  expect(results.YOGA_GOOD?.body).toEqual({ data: { me: 'user-1', secret: 'secret of user-1' } });
  expect(results.YOGA_FORGED?.wwwAuthenticate).toMatch(/error="invalid_token"/);
  expect(results.YOGA_NONE?.wwwAuthenticate).toBe('Bearer realm="api"');
  expect(results.YOGA_NONE?.body).toMatchObject({ data: { me: null }, errors: [{ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } }] });
  expect(results.YOGA_NO_SCOPE?.wwwAuthenticate).toBe(results.NO_SCOPE?.wwwAuthenticate);
  expect(results.YOGA_NO_SCOPE?.body).toMatchObject({ errors: [{ path: ['secret'], extensions: { code: 'FORBIDDEN' } }] });

  expect(statuses(results, ['LOGOUT_BEFORE', 'LOGOUT', 'LOGOUT_AFTER'])).toEqual([200, 200, 401]);
  expect(results.LOGOUT_AFTER).toMatchObject({ body: { error: 'token_revoked' } });
  expect(results.LOGOUT_AFTER?.wwwAuthenticate).toMatch(/error="invalid_token"/);
}
