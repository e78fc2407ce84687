import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express } from 'express';

/** A real Express 5 app on 127.0.0.1 (a free port). */
export interface ExpressServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

// Programming errors (e.g. requireAuth without authMiddleware) as JSON, without Express's stack-trace logging.
const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  res.status(500).json({ error: 'server_error', message: error instanceof Error ? error.message : String(error) });
};

/**
 * Start an Express app built by `configure`. Node's default 16 KiB header limit
 * would answer 431 before Express sees an oversized `Cookie`; the bad-input
 * tests need the request to reach the middleware, so the limit is 64 KiB here.
 *
 * @example
 * ```ts
 * const server = await startExpress((app) => app.get('/', (_req, res) => res.send('ok')))
 * ```
 */
export async function startExpress(configure: (app: Express) => void): Promise<ExpressServer> {
  const app = express();
  configure(app);
  app.use(errorHandler);
  const server = createServer({ maxHeaderSize: 64 * 1024 }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
