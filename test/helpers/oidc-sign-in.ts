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

/** A cookie jar that keeps the last value of each cookie, enough for the dev interaction pages. */
function browser() {
  const jar = new Map<string, string>();
  return async (url: string | URL, init: RequestInit = {}) => {
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
  const go = browser();
  const absolute = (response: Response) => new URL(response.headers.get('location') ?? '', op.logtoUrl);
  const verifier = base64url.encode(randomBytes(32));
  const challenge = base64url.encode(createHash('sha256').update(verifier).digest());
  const auth = new URL(`${op.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: op.spa.clientId, response_type: 'code', redirect_uri: opts.redirectUri, scope: opts.scope ?? 'openid profile read:posts',
    resource: opts.resource, code_challenge: challenge, code_challenge_method: 'S256', state: 'st',
  }).toString();
  let response = await go(auth);
  response = await go(absolute(response), form({ prompt: 'login', login: opts.login, password: 'x' }));
  response = await go(absolute(response));
  response = await go(absolute(response), form({ prompt: 'consent' }));
  response = await go(absolute(response));
  const code = absolute(response).searchParams.get('code');
  if (!code) throw new Error(`sign-in did not reach the callback (status ${response.status})`);
  const tokens = (await (await fetch(`${op.issuer}/token`, form({
    grant_type: 'authorization_code', code, redirect_uri: opts.redirectUri, client_id: op.spa.clientId, code_verifier: verifier,
  }))).json()) as { access_token: string; id_token: string };
  return {
    accessToken: tokens.access_token,
    idToken: tokens.id_token,
    async signOut() {
      const end = await go(`${op.issuer}/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: opts.redirectUri })}`);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await end.text())?.[1] ?? '';
      const confirm = await go(`${op.issuer}/session/end/confirm`, form({ xsrf, logout: 'yes' }));
      if (confirm.status !== 303) throw new Error(`sign-out failed with ${confirm.status}`);
    },
  };
}
