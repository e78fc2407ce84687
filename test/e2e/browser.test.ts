/**
 * `npm run demo` in a real browser: sign in at the Logto-shaped provider's
 * development pages (authorization code + PKCE), see the user id from the tRPC
 * and the GraphQL API, sign out, see the guest/401 state.
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

function isProbe401(entry: ConsoleEntry): boolean {
  if (!entry.text.includes('the server responded with a status of 401')) return false;
  const url = new URL(entry.url);
  return url.pathname === '/trpc/posts' || (url.pathname === '/graphql' && url.searchParams.get('operationName') === 'Posts');
}

describe.skipIf(!hasChromium)('demo in Chromium', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const text = (id: string) => browser.page.getByTestId(id).textContent();
  const authCookie = async () => (await browser.context.cookies(demo.url)).find((cookie) => cookie.name === 'logto_authtoken');

  it('signs in with PKCE, shows the user from tRPC and GraphQL, signs out to the guest/401 state', async () => {
    const { page } = browser;
    await page.goto(demo.url);
    await page.locator('body[data-ready="signed-out"]').waitFor();
    expect(await text('trpc-status')).toBe('guest');
    expect(await text('graphql-status')).toBe('guest');

    await page.getByTestId('sign-in').click();
    await page.waitForURL((url) => url.href.startsWith(`${demo.oidc.issuer}/interaction/`));
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
    const cookie = await authCookie();
    expect(cookie).toMatchObject({ httpOnly: true, secure: false, sameSite: 'Lax' });
    // The script never kept the access token: it lives only in the cookie.
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    expect(stored).not.toContain(cookie?.value ?? '<none>');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}signed-in.png`, fullPage: true });

    await page.getByTestId('sign-out').click();
    // RP-initiated logout at the provider (/oidc/session/end), as Logto's signOut() does.
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.locator('body[data-ready="signed-out"]').waitFor({ timeout: 20_000 });
    expect(await authCookie()).toBeUndefined();
    for (const [api, code] of [['trpc', 'UNAUTHORIZED'], ['graphql', 'UNAUTHENTICATED']] as const) {
      expect(await text(`${api}-status`)).toBe('guest');
      expect(await text(`${api}-user-id`)).toBe('—');
      expect(await text(`${api}-protected`)).toBe(`401 ${code} — sign-in required: guests cannot use this operation`);
    }
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
