/**
 * The demo page's script (bundled by esbuild when the demo starts). Sign-in is
 * OIDC authorization code + PKCE with oidc-client-ts; the access token goes
 * straight to the server's `/session`, which keeps it in the HttpOnly
 * `logto_authtoken` cookie. Every API call is same-origin, so the browser adds
 * that cookie and the page never holds the token afterwards.
 */
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { WhoAmI } from '../posts.js';
import type { DemoRouter } from '../trpc-api.js';

interface DemoConfig {
  issuer: string;
  clientId: string;
  resource: string;
  scope: string;
}

const ID_TOKEN_KEY = 'demo:id_token';
const config = JSON.parse(document.getElementById('demo-config')?.textContent ?? '{}') as DemoConfig;
const manager = new UserManager({
  authority: config.issuer,
  client_id: config.clientId,
  redirect_uri: `${location.origin}/callback`,
  post_logout_redirect_uri: `${location.origin}/`,
  response_type: 'code',
  scope: config.scope,
  // Logto issues a JWT access token only for an API resource (RFC 8707 `resource`).
  resource: config.resource,
  loadUserInfo: false,
  automaticSilentRenew: false,
  userStore: new WebStorageStateStore({ store: sessionStorage }),
});
const trpc = createTRPCClient<DemoRouter>({ links: [httpLink({ url: '/trpc' })] });

const $ = (id: string): HTMLElement => {
  const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`missing element ${id}`);
  return element;
};

function show(api: 'trpc' | 'graphql', who: WhoAmI): void {
  $(`${api}-status`).textContent = who.status;
  $(`${api}-user-id`).textContent = who.userId ?? '—';
  $(`${api}-scopes`).textContent = who.scopes.length > 0 ? who.scopes.join(' ') : '—';
  $(`${api}-guest-id`).textContent = who.guestId ?? '—';
  $(api).dataset.status = who.status;
}

function showProtected(api: 'trpc' | 'graphql', ok: boolean, text: string): void {
  const element = $(`${api}-protected`);
  element.textContent = text;
  element.className = ok ? 'ok' : 'denied';
}

interface GraphQLAnswer {
  data?: { whoami?: WhoAmI; posts?: { id: string }[] | null } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

// GET, as GraphQL over HTTP allows for queries: the operation is in the URL, so
// the deliberate 401 of the `Posts` probe is recognisable in the browser console.
async function graphql(query: string, operationName: string): Promise<{ status: number; body: GraphQLAnswer }> {
  const url = `/graphql?${new URLSearchParams({ query, operationName })}`;
  const response = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer };
}

async function refreshTRPC(): Promise<WhoAmI> {
  const who = await trpc.whoami.query();
  show('trpc', who);
  try {
    const posts = await trpc.posts.query();
    showProtected('trpc', true, `200 OK — ${posts.length} posts`);
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = (error as TRPCClientError<DemoRouter>).data;
    showProtected('trpc', false, `${data?.httpStatus ?? '?'} ${data?.code ?? ''} — ${error.message}`);
  }
  return who;
}

async function refreshGraphQL(): Promise<void> {
  const who = await graphql('query WhoAmI { whoami { status userId scopes guestId isMachine expiresAt } }', 'WhoAmI');
  if (!who.body.data?.whoami) throw new Error(`GraphQL whoami failed with ${who.status}`);
  show('graphql', who.body.data.whoami);
  const posts = await graphql('query Posts { posts { id } }', 'Posts');
  const error = posts.body.errors?.[0];
  if (error) showProtected('graphql', false, `${posts.status} ${error.extensions?.code ?? ''} — ${error.message}`);
  else showProtected('graphql', true, `${posts.status} OK — ${posts.body.data?.posts?.length ?? 0} posts`);
}

async function refresh(): Promise<void> {
  const [who] = await Promise.all([refreshTRPC(), refreshGraphQL()]);
  const signedIn = who.status === 'authenticated';
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn;
  $('who').textContent = signedIn ? `Signed in as ${who.userId ?? ''}` : 'Signed out — the APIs see a guest';
  document.body.dataset.ready = signedIn ? 'signed-in' : 'signed-out';
}

async function completeSignIn(): Promise<void> {
  const user = await manager.signinRedirectCallback();
  const response = await fetch('/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessToken: user.access_token }),
  });
  if (!response.ok) throw new Error(`the server refused the token (${response.status})`);
  // Kept only as the id_token_hint of RP-initiated logout; the access token is dropped.
  if (user.id_token) sessionStorage.setItem(ID_TOKEN_KEY, user.id_token);
  await manager.removeUser();
  history.replaceState(null, '', '/');
}

async function signOut(): Promise<void> {
  await fetch('/session/delete', { method: 'POST' });
  const idToken = sessionStorage.getItem(ID_TOKEN_KEY);
  sessionStorage.removeItem(ID_TOKEN_KEY);
  // Global sign-out at the provider, as Logto SDKs' signOut() does (/oidc/session/end).
  if (idToken) await manager.signoutRedirect({ id_token_hint: idToken });
  else await refresh();
}

async function main(): Promise<void> {
  $('sign-in').addEventListener('click', () => void manager.signinRedirect().catch(fail));
  $('sign-out').addEventListener('click', () => void signOut().catch(fail));
  const params = new URLSearchParams(location.search);
  if (location.pathname === '/callback') await completeSignIn();
  else if (params.has('state')) {
    await manager.signoutRedirectCallback();
    history.replaceState(null, '', '/');
  }
  await refresh();
}

function fail(error: unknown): void {
  $('error').hidden = false;
  $('error').textContent = error instanceof Error ? error.message : String(error);
  console.error(error);
}

void main().catch(fail);
