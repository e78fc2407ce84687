import { connect } from 'node:net';

/** A parsed HTTP/1.1 answer. */
export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `\n`. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Send `head` (request line and headers, as bytes) over a plain socket. Fetch
 * cannot send two `Authorization` lines or bytes that are not UTF-8, so the
 * bad-input tests write the request themselves.
 *
 * @example
 * ```ts
 * const res = await rawRequest(port, [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n')])
 * ```
 */
export function rawRequest(port: number, headLines: (string | Buffer)[]): Promise<RawResponse> {
  const request = Buffer.concat([...headLines.map((line) => Buffer.concat([Buffer.from(line), Buffer.from('\r\n')])), Buffer.from('Connection: close\r\n\r\n')]);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}\n${value}`;
      }
      let body = text.slice(split + 4);
      // Next.js answers chunked; a body is small enough to read in one chunk here.
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, end), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}
