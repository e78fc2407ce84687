import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { toNodeHandler } from 'logto-authkit';

/** A back-channel logout receiver on 127.0.0.1 whose handler is bound after start. */
export interface LogoutReceiver {
  /** `http://127.0.0.1:<port>`; logouts go to `${url}/logout`. */
  readonly url: string;
  /** Binds the handler; until then `/logout` answers 404. */
  bind(handler: ReturnType<typeof toNodeHandler>): void;
  close(): Promise<void>;
}

/**
 * The provider needs the receiver's URI before the kit (and so the handler) can
 * exist, so the receiver listens first and takes its handler late.
 *
 * @example
 * ```ts
 * const receiver = await startLogoutReceiver()
 * op = await startOidcProvider({ backchannelLogoutUri: `${receiver.url}/logout` })
 * receiver.bind(toNodeHandler(createBackchannelLogoutHandler({ kit, clientId })))
 * ```
 */
export async function startLogoutReceiver(): Promise<LogoutReceiver> {
  let handler: ReturnType<typeof toNodeHandler> | undefined;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/logout' && handler) return void handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bind: (next) => void (handler = next),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
