// Run by test/runtimes/runtimes.test.ts under Bun, Deno and Node 22/24: the app of ./app.mjs
// (published build: core, Hono, Yoga, back-channel logout) served by the runtime's own server
// on 127.0.0.1 — Bun.serve, Deno.serve, node:http (Yoga as its own request listener) — and
// called over HTTP by ./exercise.mjs. Prints one JSON line; reads only its env.
import { createApp } from './app.mjs';
import { exercise } from './exercise.mjs';

const names = ['LOGTO_URL', 'AUDIENCE', 'CLIENT_ID', 'GOOD', 'FORGED', 'NO_SCOPE', 'LOGOUT_USER', 'LOGOUT'];
const env = Object.fromEntries(names.map((name) => [name, typeof Deno !== 'undefined' ? Deno.env.get(name) : process.env[name]]));
const app = createApp(env);

async function serve() {
  if (typeof Bun !== 'undefined') {
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
    return { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
  }
  if (typeof Deno !== 'undefined') {
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, app.fetch);
    return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
  }
  const { createServer } = await import('node:http');
  const { getRequestListener } = await import('@hono/node-server');
  const others = getRequestListener(app.fetch);
  // Yoga is a node:http listener itself; the other routes go through Hono's Fetch bridge.
  const server = createServer((req, res) => (req.url?.startsWith('/graphql') ? app.yoga(req, res) : others(req, res)));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const server = await serve();
try {
  console.log(JSON.stringify(await exercise(server.url, env)));
} finally {
  await server.close();
  app.close();
}
