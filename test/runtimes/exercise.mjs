// The requests every runtime answers (over real HTTP, to the app of ./app.mjs).
// Runs inside the probe on Node 22/24, Bun and Deno, and in the test process for workerd.
// `tokens`: GOOD, FORGED, NO_SCOPE (access tokens), LOGOUT_USER (access token of the
// user signed out by LOGOUT, a back-channel logout token). Returns plain JSON.

async function call(url, { token, method = 'POST', body, type } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (type) headers['content-type'] = type;
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), body: json };
}

const gql = (base, query, token) => call(`${base}/graphql`, { token, body: JSON.stringify({ query }), type: 'application/json' });

/** Every case, by name, as `{ status, wwwAuthenticate, body }`. */
export async function exercise(base, tokens) {
  const results = {};
  const cases = { GOOD: tokens.GOOD, FORGED: tokens.FORGED, NO_SCOPE: tokens.NO_SCOPE, NONE: undefined };
  for (const [name, token] of Object.entries(cases)) {
    results[name] = await call(`${base}/core`, { token });
    results[`HONO_${name}`] = await call(`${base}/hono/posts`, { token });
  }
  results.YOGA_PUBLIC = await gql(base, '{ health }');
  results.YOGA_GOOD = await gql(base, '{ me secret }', tokens.GOOD);
  results.YOGA_FORGED = await gql(base, '{ me }', tokens.FORGED);
  results.YOGA_NONE = await gql(base, '{ me }');
  results.YOGA_NO_SCOPE = await gql(base, '{ secret }', tokens.NO_SCOPE);
  // Back-channel logout: the user's token works, Logto posts the logout, the same token is refused.
  results.LOGOUT_BEFORE = await call(`${base}/hono/posts`, { token: tokens.LOGOUT_USER });
  const form = new URLSearchParams({ logout_token: tokens.LOGOUT }).toString();
  results.LOGOUT = await call(`${base}/logout`, { body: form, type: 'application/x-www-form-urlencoded' });
  results.LOGOUT_AFTER = await call(`${base}/hono/posts`, { token: tokens.LOGOUT_USER });
  return results;
}
