import { createHash, randomBytes } from 'node:crypto';
import { base64url } from 'jose';
import type { OidcStandIn } from './oidc-provider.js';

/** A user signed in through the stand-in's real authorization-code + PKCE flow. */
export interface SignedInUser {
  accessToken: string;
  idToken: string;
  /** RP-initiated logout: `/session/end` then confirm; the provider POSTs the back-channel logout token before answering. */
  signOut(): Promise<void>;
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** A `fetch` with a cookie jar that never follows redirects, standing in for a browser on the provider's pages. */
export type CookieBrowser = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * A cookie jar that keeps the last value of each cookie, enough for the dev interaction pages.
 *
 * @example
 * ```ts
 * const go = cookieBrowser();
 * const callback = await passInteraction(go, op, signInUrl, 'user-42');
 * ```
 */
export function cookieBrowser(): CookieBrowser {
  const jar = new Map<string, string>();
  return async (url, init = {}) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
}

const absolute = (op: OidcStandIn, response: Response): URL => new URL(response.headers.get('location') ?? '', op.logtoUrl);

/**
 * Opens an authorization URL (`/oidc/auth?…`, as an SDK's `signIn()` builds it), signs `login` in
 * on the dev login page, accepts the consent page, and returns the redirect back to the client
 * (the callback URL with `code` and `state`).
 *
 * @example
 * ```ts
 * const callback = await passInteraction(cookieBrowser(), op, authUrl, 'user-42');
 * callback.searchParams.get('code');
 * ```
 */
export async function passInteraction(go: CookieBrowser, op: OidcStandIn, authUrl: string | URL, login: string): Promise<URL> {
  let response = await go(authUrl);
  response = await go(absolute(op, response), form({ prompt: 'login', login, password: 'x' }));
  response = await go(absolute(op, response));
  response = await go(absolute(op, response), form({ prompt: 'consent' }));
  response = await go(absolute(op, response));
  return absolute(op, response);
}

/**
 * Opens an end-session URL (`/oidc/session/end?…`) and confirms the sign-out; the provider POSTs
 * the back-channel logout tokens before answering. Returns where it sends the browser next.
 *
 * @example
 * ```ts
 * await confirmEndSession(go, op, `${op.issuer}/session/end?client_id=spa-app`);
 * ```
 */
export async function confirmEndSession(go: CookieBrowser, op: OidcStandIn, endSessionUrl: string | URL): Promise<URL> {
  const end = await go(endSessionUrl);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(await end.text())?.[1] ?? '';
  const confirm = await go(`${op.issuer}/session/end/confirm`, form({ xsrf, logout: 'yes' }));
  if (confirm.status !== 303) throw new Error(`sign-out failed with ${confirm.status}`);
  return absolute(op, confirm);
}

/**
 * Signs `login` in to the stand-in's SPA client with the dev interaction pages
 * (the flow of test/helpers/oidc-provider.test.ts) and returns its API access token.
 *
 * @example
 * ```ts
 * const user = await signIn(op, { login: 'user-42', resource: 'https://api.example.test', redirectUri });
 * await user.signOut(); // the provider POSTs a logout token to the SPA's backchannel_logout_uri
 * ```
 */
export async function signIn(op: OidcStandIn, opts: { login: string; resource: string; redirectUri: string; scope?: string }): Promise<SignedInUser> {
  const go = cookieBrowser();
  const verifier = base64url.encode(randomBytes(32));
  const challenge = base64url.encode(createHash('sha256').update(verifier).digest());
  const auth = new URL(`${op.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: op.spa.clientId, response_type: 'code', redirect_uri: opts.redirectUri, scope: opts.scope ?? 'openid profile read:posts',
    resource: opts.resource, code_challenge: challenge, code_challenge_method: 'S256', state: 'st',
  }).toString();
  const callback = await passInteraction(go, op, auth, opts.login);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`sign-in did not reach the callback (${callback.href})`);
  const tokens = (await (await fetch(`${op.issuer}/token`, form({
    grant_type: 'authorization_code', code, redirect_uri: opts.redirectUri, client_id: op.spa.clientId, code_verifier: verifier,
  }))).json()) as { access_token: string; id_token: string };
  return {
    accessToken: tokens.access_token,
    idToken: tokens.id_token,
    async signOut() {
      await confirmEndSession(go, op, `${op.issuer}/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: opts.redirectUri })}`);
    },
  };
}
