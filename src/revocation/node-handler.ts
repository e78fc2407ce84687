import type { FetchHandler } from './backchannel-handler.js';

/** A Node `IncomingMessage` (or Express request), matched structurally: no `node:` import in the core entry. */
export interface NodeLikeRequest extends AsyncIterable<unknown> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by body parsers (`express.urlencoded()`), which have then consumed the stream. */
  body?: unknown;
  readableEnded?: boolean;
}

/** A Node `ServerResponse` (or Express response), matched structurally. */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: Uint8Array): unknown;
}

/** A `node:http` / Express handler; Express's `next` receives unexpected errors. */
export type NodeHandler = (req: NodeLikeRequest, res: NodeLikeResponse, next?: (error?: unknown) => void) => Promise<void>;

const encoder = new TextEncoder();
const toBytes = (chunk: unknown): Uint8Array => (typeof chunk === 'string' ? encoder.encode(chunk) : (chunk as Uint8Array));

// A body parser ran first: rebuild the form from what it left.
function parsedBody(body: unknown): BodyInit | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  if (typeof body !== 'object' || body === null) return undefined;
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') form.append(name, item);
  }
  return form.toString();
}

function streamOf(req: NodeLikeRequest): ReadableStream<Uint8Array> {
  const iterator = req[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(toBytes(value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function toRequest(req: NodeLikeRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const consumed = req.readableEnded === true || (req.body !== undefined && req.body !== null);
  const body = !hasBody ? undefined : consumed ? parsedBody(req.body) : streamOf(req);
  if (consumed && hasBody) headers.delete('content-length');
  // `duplex` is required by Node's fetch for a streamed body; the DOM typings lack it.
  const init = { method, headers, body, duplex: 'half' } as RequestInit;
  return new Request(new URL(req.url ?? '/', 'http://localhost'), init);
}

/**
 * Adapt any Fetch handler (the back-channel logout or Logto webhook receiver) to
 * `node:http` and Express. Works with or without a body parser in front; a
 * receiver that checks a signature over the raw body (Logto webhooks) needs
 * none, or `express.raw()`, since a parsed JSON body cannot be re-serialized
 * byte for byte.
 *
 * @example
 * ```ts
 * app.post('/logout/backchannel', toNodeHandler(createBackchannelLogoutHandler({ kit, clientId })))
 * http.createServer(toNodeHandler(handler)).listen(3000)
 * ```
 */
export function toNodeHandler(handler: FetchHandler): NodeHandler {
  return async (req, res, next) => {
    try {
      const response = await handler(toRequest(req));
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(new Uint8Array(await response.arrayBuffer()));
    } catch (error) {
      if (next) return next(error);
      res.statusCode = 500;
      res.end();
    }
  };
}
