/**
 * The demo page's script (bundled by esbuild when the demo starts). Sign-in is
 * Logto's own browser SDK, `@logto/browser`, against the Logto-shaped provider.
 * Every API call goes through `createAuthFetch` from `logto-authkit/client`,
 * which asks the SDK for `getAccessToken(DEMO_RESOURCE)` each time: the SDK
 * answers from its cache, or, once the token has expired, with a new one from
 * its refresh token (a refresh_token grant with `resource`, RFC 8707).
 */
import LogtoClient from '@logto/browser';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { createAuthFetch } from 'logto-authkit/client';
import type { WhoAmI } from '../posts.js';
import type { DemoRouter } from '../trpc-api.js';

interface DemoConfig {
  logtoUrl: string;
  issuer: string;
  clientId: string;
  resource: string;
  scopes: string[];
}

const config = JSON.parse(document.getElementById('demo-config')?.textContent ?? '{}') as DemoConfig;
// The SDK adds openid, offline_access and profile itself, and asks for a token for `resources` at sign-in.
const logto = new LogtoClient({ endpoint: config.logtoUrl, appId: config.clientId, resources: [config.resource], scopes: config.scopes });

const $ = (id: string): HTMLElement => {
  const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`missing element ${id}`);
  return element;
};

/** The token's id and expiry, shown so a refresh is visible (the payload is not secret to its holder). */
function showToken(token: string | null): void {
  const payload = token ? (JSON.parse(atob(token.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as { jti?: string; exp?: number }) : {};
  $('token-jti').textContent = payload.jti ?? '—';
  $('token-expires').textContent = payload.exp ? new Date(payload.exp * 1000).toLocaleTimeString() : '—';
  $('token-jti').dataset.exp = String(payload.exp ?? '');
}

// The SDK throws when nobody is signed in: then the call goes out without a token and the API sees a guest.
const authFetch = createAuthFetch({
  getAccessToken: async (resource) => {
    const token = (await logto.isAuthenticated()) ? await logto.getAccessToken(resource) : null;
    showToken(token);
    return token;
  },
  clearAccessToken: () => logto.clearAccessToken(),
  resource: config.resource,
});
const trpc = createTRPCClient<DemoRouter>({ links: [httpLink({ url: '/trpc', fetch: authFetch })] });

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
  const response = await authFetch(url, { headers: { accept: 'application/graphql-response+json' } });
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

let rounds = 0;
async function refresh(): Promise<void> {
  const [who] = await Promise.all([refreshTRPC(), refreshGraphQL()]);
  const signedIn = who.status === 'authenticated';
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn;
  $('reload').hidden = !signedIn;
  $('who').textContent = signedIn ? `Signed in as ${who.userId ?? ''}` : 'Signed out — the APIs see a guest';
  document.body.dataset.ready = signedIn ? 'signed-in' : 'signed-out';
  // Counts completed rounds of API calls, so a test can wait for the next one.
  document.body.dataset.rounds = String(++rounds);
}

async function main(): Promise<void> {
  $('sign-in').addEventListener('click', () => void logto.signIn(`${location.origin}/callback`).catch(fail));
  // The SDK revokes its refresh token, forgets its tokens and ends the session at the provider (/oidc/session/end).
  $('sign-out').addEventListener('click', () => void logto.signOut(`${location.origin}/`).catch(fail));
  $('reload').addEventListener('click', () => void refresh().catch(fail));
  if (location.pathname === '/callback') {
    await logto.handleSignInCallback(location.href);
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
