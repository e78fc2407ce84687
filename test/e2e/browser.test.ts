/**
 * `npm run demo` in a real browser: sign in with `@logto/browser` at the
 * Logto-shaped provider's development pages (authorization code + PKCE), see
 * the user id from the tRPC and the GraphQL API, let the access token expire
 * and see the SDK refresh it, sign out with the SDK's `signOut()`, see the
 * guest/401 state and the back-channel logout revoke the last token.
 *
 * Console errors fail the test, with two kinds set apart:
 * - loads of off-machine URLs (the provider's pages import Google Fonts; the
 *   browser here aborts every non-loopback request), recognised by their URL;
 * - exactly the deliberate 401 of the page's protected probes (`GET /trpc/posts`
 *   and `GET /graphql?…operationName=Posts`), which Chromium logs as "Failed to
 *   load resource: … 401". `whoami` answers guests with 200, so any other 4xx is
 *   an error of the page.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../examples/demo/main.js';
import { CHROMIUM_PATH, hasChromium, launchChromium, type Browser, type ConsoleEntry } from './chromium.js';

if (!hasChromium) console.warn(`test/e2e/browser.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (Debian: apt-get install chromium)`);

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const LOGIN = `ada-${Math.random().toString(36).slice(2, 8)}`;
const DEMO_RESOURCE = 'https://api.example.test';
const TTL = 3;

function isProbe401(entry: ConsoleEntry): boolean {
  if (!entry.text.includes('the server responded with a status of 401')) return false;
  const url = new URL(entry.url);
  return url.pathname === '/trpc/posts' || (url.pathname === '/graphql' && url.searchParams.get('operationName') === 'Posts');
}

describe.skipIf(!hasChromium)('demo in Chromium', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    // Short-lived access tokens, so the test sees the SDK refresh one (Logto's default is 3600 s).
    [demo, browser] = await Promise.all([startDemo({ accessTokenTTL: TTL }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const text = (id: string) => browser.page.getByTestId(id).textContent();
  /** What @logto/browser keeps in localStorage (`logto:<appId>:<key>`). */
  const sdkItem = (key: string) => browser.page.evaluate(([appId, name]) => localStorage.getItem(`logto:${appId}:${name}`), [demo.oidc.spa.clientId, key] as const);
  const refreshes = () => demo.oidc.tokenRequests.filter((request) => request.grantType === 'refresh_token' && request.resource === DEMO_RESOURCE).length;
  const rounds = async () => Number(await browser.page.locator('body').getAttribute('data-rounds'));

  it('signs in with @logto/browser, calls both APIs with getAccessToken(resource), refreshes after expiry, signs out to the guest/401 state', async () => {
    const { page } = browser;
    await page.goto(demo.url);
    await page.locator('body[data-ready="signed-out"]').waitFor();
    expect(await text('trpc-status')).toBe('guest');
    expect(await text('graphql-status')).toBe('guest');

    const authRequest = page.waitForRequest((request) => request.url().startsWith(`${demo.oidc.issuer}/auth?`));
    await page.getByTestId('sign-in').click();
    await page.waitForURL((url) => url.href.startsWith(`${demo.oidc.issuer}/interaction/`));
    // What the SDK asked for: Logto's reserved scopes, the API scopes, the API resource, PKCE, prompt=consent.
    const auth = new URL((await authRequest).url());
    expect(auth.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access', 'profile', 'read:posts', 'write:posts']));
    expect(auth.searchParams.getAll('resource')).toEqual([DEMO_RESOURCE]);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('prompt')).toBe('consent');
    await page.locator('input[name="login"]').fill(LOGIN);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    // The dev consent page grants the requested OIDC and API-resource scopes.
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.locator('body[data-ready="signed-in"]').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await text('trpc-status')).toBe('authenticated');
    expect(await text('trpc-user-id')).toBe(LOGIN);
    expect(await text('graphql-user-id')).toBe(LOGIN);
    for (const api of ['trpc', 'graphql']) {
      expect((await text(`${api}-scopes`))?.split(' ')).toEqual(expect.arrayContaining(['read:posts', 'write:posts']));
      expect(await text(`${api}-protected`)).toMatch(/^200 OK — 2 posts$/);
    }
    expect(await text('who')).toBe(`Signed in as ${LOGIN}`);
    // The SDK holds a refresh token and got the API token with it (a refresh_token grant with `resource`): one, shared by both panels.
    expect(await sdkItem('refreshToken')).toEqual(expect.any(String));
    expect(refreshes()).toBe(1);
    const firstJti = await text('token-jti');
    expect(firstJti).toMatch(/^[\w-]{10,}$/);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}signed-in.png`, fullPage: true });

    // Expiry: wait until both the token's exp (the APIs' clock) and the SDK's own estimate (kept beside it) have passed.
    const exp = Number(await page.getByTestId('token-jti').getAttribute('data-exp'));
    const cached = JSON.parse((await sdkItem('accessToken')) ?? '{}') as Record<string, { expiresAt: number }>;
    const sdkExpiry = cached[`@${DEMO_RESOURCE}`]?.expiresAt ?? 0;
    expect(sdkExpiry).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(exp, sdkExpiry) * 1000 - Date.now() + 50));
    const before = await rounds();
    await page.getByTestId('reload').click();
    await page.waitForFunction((n) => Number(document.body.dataset.rounds) > n, before);
    expect(refreshes()).toBe(2);
    expect(await text('token-jti')).not.toBe(firstJti);
    expect(await text('trpc-status')).toBe('authenticated');
    for (const api of ['trpc', 'graphql']) expect(await text(`${api}-protected`)).toBe('200 OK — 2 posts');
    const lastToken = (JSON.parse((await sdkItem('accessToken')) ?? '{}') as Record<string, { token: string }>)[`@${DEMO_RESOURCE}`]?.token ?? '';

    await page.getByTestId('sign-out').click();
    // RP-initiated logout at the provider (/oidc/session/end), as Logto's signOut() does.
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.locator('body[data-ready="signed-out"]').waitFor({ timeout: 20_000 });
    for (const [api, code] of [['trpc', 'UNAUTHORIZED'], ['graphql', 'UNAUTHENTICATED']] as const) {
      expect(await text(`${api}-status`)).toBe('guest');
      expect(await text(`${api}-user-id`)).toBe('—');
      expect(await text(`${api}-protected`)).toBe(`401 ${code} — sign-in required: guests cannot use this operation`);
    }
    expect(await sdkItem('refreshToken')).toBeNull();
    // The provider's back-channel logout reached the demo: the last token, still unexpired, is refused.
    expect(demo.oidc.backchannelErrors).toEqual([]);
    expect(demo.logouts).toEqual([LOGIN]);
    const revoked = await fetch(`${demo.url}trpc/posts`, { headers: { authorization: `Bearer ${lastToken}` } });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await page.getByTestId('sign-in').isVisible()).toBe(true);
    expect(await page.getByTestId('error').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}signed-out.png`, fullPage: true });

    const unexpected = browser.errors.filter((entry) => !isProbe401(entry));
    expect(unexpected).toEqual([]);
    // The filter is narrow: the probes' 401s were seen (page load and after sign-out), nothing else was let through.
    expect(browser.errors.filter(isProbe401).length).toBeGreaterThanOrEqual(4);
    expect(browser.offMachine.every((entry) => !entry.url.includes('127.0.0.1'))).toBe(true);
  }, 60_000);
});
