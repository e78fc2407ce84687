/**
 * Express + logto-authkit: `npx tsx examples/express/server.ts`.
 * Uses a local test issuer unless LOGTO_URL and LOGTO_AUDIENCE are set, and
 * then prints ready-made tokens.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { authMiddleware, requireAuth } from 'logto-authkit/express';
import { createDevKit } from '../shared/dev-kit.js';

const { kit, printTokens, closeOnSignal } = await createDevKit();

const posts: { id: string; title: string; author: string }[] = [];
const app = express();
app.use(express.json());
// Every route below gets req.auth; nothing is refused yet.
app.use(authMiddleware(kit));

app.get('/health', (req, res) => {
  res.json({ ok: true, signedIn: req.auth?.status === 'authenticated' });
});

app.get('/me', requireAuth(), (req, res) => {
  res.json({ userId: req.auth?.userId, scopes: req.auth?.scopes });
});

app.post('/posts', requireAuth({ scopes: ['write:posts'] }), (req, res) => {
  const body: unknown = req.body;
  const title = typeof body === 'object' && body !== null && 'title' in body && typeof body.title === 'string' ? body.title : 'Untitled';
  const post = { id: String(posts.length + 1), title, author: req.auth?.userId ?? '' };
  posts.push(post);
  res.status(201).json(post);
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', async () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`Express on http://127.0.0.1:${bound}`);
  await printTokens();
});

closeOnSignal(server);
