// Run by test/runtimes/runtimes.test.ts under Bun, Deno and Node 22/24: the
// published build (dist) verifies tokens from the test issuer on 127.0.0.1, and a
// Fetch handler and a Hono app answer 200/401/403. Prints one JSON line; reads only its env.
import { Hono } from 'hono';
import { authErrorResponse, authorize, createAuthKit } from '../../dist/index.js';
import { logtoAuth, requireAuth } from '../../dist/hono/index.js';

const env = (name) => (typeof Deno !== 'undefined' ? Deno.env.get(name) : process.env[name]);
const kit = createAuthKit({ logtoUrl: env('LOGTO_URL'), audience: env('AUDIENCE'), onWarning: () => {} });

async function handle(request) {
  const auth = await kit.createAuthContext(request);
  const refusal = auth.status === 'authenticated' ? authorize(auth, { scopes: ['write:posts'] }) : auth.error;
  if (refusal) {
    const { status, headers, body } = authErrorResponse(refusal);
    return new Response(JSON.stringify(body), { status, headers });
  }
  return Response.json({ userId: auth.userId });
}

const results = {};
for (const name of ['GOOD', 'FORGED', 'NO_SCOPE', 'NONE']) {
  const token = env(name);
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const response = await handle(new Request('http://127.0.0.1/posts', { method: 'POST', headers }));
  results[name] = { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), body: await response.json() };
}
// The same through a Hono app on this runtime.
const app = new Hono();
app.use(logtoAuth(kit));
app.post('/posts', requireAuth({ scopes: ['write:posts'] }), (c) => c.json({ userId: c.var.auth.userId }));
for (const name of ['GOOD', 'FORGED', 'NO_SCOPE', 'NONE']) {
  const token = env(name);
  const response = await app.request('/posts', { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
  results[`HONO_${name}`] = { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), body: await response.json() };
}
kit.close();
console.log(JSON.stringify(results));
