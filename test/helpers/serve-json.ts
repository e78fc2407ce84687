import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server whose answer the test controls. */
export interface ControlledServer {
  url: string;
  /** Requests received so far, by path. */
  readonly requests: string[];
  /** Replace the handler. */
  handle(handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  close(): Promise<void>;
}

/**
 * Start a server on 127.0.0.1 (a free port) answering with `handler`.
 *
 * @example
 * ```ts
 * const server = await startServer((req, res) => res.end('{}'))
 * ```
 */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<ControlledServer> {
  let current = handler;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    current(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answer with JSON and Logto's real JWKS headers (`application/jwk-set+json`, no cache-control). */
export function jwksAnswer(body: unknown) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json; charset=utf-8', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body));
  };
}
