/**
 * Debian's Chromium driven by playwright-core (no browser download), with the
 * machine kept off the network: requests to anything but loopback are aborted,
 * and the console errors those aborts cause are told apart from the page's own.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Whether the browser tests can run on this machine. */
export const hasChromium = existsSync(CHROMIUM_PATH);

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether `url` stays on this machine (`data:` and `about:` URLs do too).
 *
 * @example
 * ```ts
 * isLoopback('https://fonts.googleapis.com/css') // false
 * ```
 */
export function isLoopback(url: string): boolean {
  if (url === '' || url.startsWith('data:') || url.startsWith('about:')) return true;
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** One console error or uncaught exception, with where Chromium says it came from. */
export interface ConsoleEntry {
  text: string;
  url: string;
}

/** A headless Chromium with a fresh profile, one page, and its console watched. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors: uncaught exceptions and console errors whose source is on this machine. */
  errors: ConsoleEntry[];
  /** Console errors about off-machine loads (oidc-provider's dev pages import a Google Fonts stylesheet). */
  offMachine: ConsoleEntry[];
  close(): Promise<void>;
}

/**
 * Launches `/usr/bin/chromium` headless with a fresh user-data-dir.
 *
 * @example
 * ```ts
 * const browser = await launchChromium()
 * await browser.page.goto(url)
 * expect(browser.errors).toEqual([])
 * await browser.close()
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'authkit-e2e-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport: { width: 1100, height: 640 } });
  // Aborted here, not left to DNS: the test must not wait on, or reach, the internet.
  await context.route((url) => !isLoopback(url.href), (route) => route.abort('blockedbyclient'));
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: ConsoleEntry[] = [];
  const offMachine: ConsoleEntry[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const entry = { text: message.text(), url: message.location().url };
    (isLoopback(entry.url) ? errors : offMachine).push(entry);
  });
  page.on('pageerror', (error) => errors.push({ text: `uncaught: ${error.message}`, url: page.url() }));
  return {
    context,
    page,
    errors,
    offMachine,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
