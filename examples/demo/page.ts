/**
 * The demo's web page: one HTML document (served at `/` and `/callback`) and
 * its script, bundled in memory by esbuild when the demo starts.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** What the page needs to know to sign in: the tenant (Logto's `endpoint`), the app and the API it wants a token for. */
export interface PageConfig {
  /** `endpoint` of `@logto/browser` (the issuer without `/oidc`). */
  logtoUrl: string;
  issuer: string;
  clientId: string;
  resource: string;
  /** API scopes to ask for; the SDK adds `openid`, `offline_access` and `profile`. */
  scopes: string[];
}

/**
 * Bundles `browser/app.ts` (`@logto/browser`, `logto-authkit/client`, `@trpc/client` and the page logic) for the browser.
 *
 * @example
 * ```ts
 * const script = await bundlePageScript() // serve as /app.js, text/javascript
 * ```
 */
export async function bundlePageScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser/app.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the demo page');
  return output.text;
}

// Inside <script type="application/json">, "<" is the only character that could end the element early.
const jsonForScript = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');
const escapeHTML = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page's HTML. Values reach the DOM only through `textContent`, so nothing
 * an API answers is ever parsed as markup.
 *
 * @example
 * ```ts
 * res.end(pageHTML({ logtoUrl, issuer, clientId: 'spa-app', resource: 'https://api.example.test', scopes: ['read:posts'] }))
 * ```
 */
export function pageHTML(config: PageConfig): string {
  const panel = (id: 'trpc' | 'graphql', title: string, call: string, probe: string) => `
    <section class="panel" data-testid="${id}">
      <h2>${title}</h2>
      <p class="call"><code>${call}</code></p>
      <dl>
        <dt>status</dt><dd data-testid="${id}-status">…</dd>
        <dt>user id</dt><dd data-testid="${id}-user-id">…</dd>
        <dt>scopes</dt><dd data-testid="${id}-scopes">…</dd>
        <dt>guest id</dt><dd data-testid="${id}-guest-id">…</dd>
      </dl>
      <h3>Protected: <code>${probe}</code> <span class="needs">needs read:posts</span></h3>
      <p data-testid="${id}-protected">…</p>
    </section>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>logto-authkit demo</title>
  <link rel="icon" href="data:,">
  <style>
    body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #f5f5f7; }
    header { display: flex; align-items: center; gap: 16px; padding: 16px 32px; background: #fff; border-bottom: 1px solid #ddd; }
    header h1 { font-size: 20px; margin: 0; flex: 1; }
    #who { color: #555; }
    button { font: inherit; padding: 8px 18px; border: 0; border-radius: 6px; background: #5d34f2; color: #fff; cursor: pointer; }
    button[data-testid="sign-out"], button[data-testid="reload"] { background: #444; }
    main { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; padding: 24px 32px; }
    .panel { background: #fff; border-radius: 10px; padding: 8px 24px 16px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
    .panel h2 { margin-bottom: 0; }
    .call { margin-top: 4px; color: #666; }
    dl { display: grid; grid-template-columns: 90px 1fr; gap: 4px 12px; }
    dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
    h3 { font-size: 15px; margin-bottom: 4px; } .needs { font-weight: normal; color: #888; font-size: 13px; }
    .ok { color: #0a7d33; } .denied { color: #b3261e; }
    footer, #error, #token { padding: 0 32px; color: #666; font-size: 13px; }
    #error { color: #b3261e; }
  </style>
</head>
<body>
  <header>
    <h1>logto-authkit demo</h1>
    <span id="who" data-testid="who"></span>
    <button type="button" data-testid="sign-in" hidden>Sign in</button>
    <button type="button" data-testid="reload" hidden>Call the APIs again</button>
    <button type="button" data-testid="sign-out" hidden>Sign out</button>
  </header>
  <p id="token">Access token for the API: <code data-testid="token-jti">—</code>, expires <span data-testid="token-expires">—</span></p>
  <p id="error" data-testid="error" hidden></p>
  <main>
    ${panel('trpc', 'tRPC', 'GET /trpc/whoami', 'posts')}
    ${panel('graphql', 'GraphQL Yoga', 'GET /graphql { whoami }', '{ posts }')}
  </main>
  <footer>
    <p>Signed in with <code>@logto/browser</code>; each API call asks it for <code>getAccessToken(resource)</code> and sends the token as
    <code>Authorization: Bearer</code> (<code>createAuthFetch</code> from <code>logto-authkit/client</code>). After the token expires the SDK
    refreshes it with its refresh token. Issuer <code>${escapeHTML(config.issuer)}</code>, API resource <code>${escapeHTML(config.resource)}</code>.</p>
  </footer>
  <script type="application/json" id="demo-config">${jsonForScript(config)}</script>
  <script type="module" src="/app.js"></script>
</body>
</html>`;
}
