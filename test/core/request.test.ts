import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRequestView, type AuthInput } from '../../src/core/request.js';

let server: Server;
let port: number;
let onRequest: ((req: IncomingMessage) => void) | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    onRequest?.(req);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  port = address.port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The real `IncomingMessage` of the next request `send` makes. */
async function capture(send: () => Promise<unknown>): Promise<IncomingMessage> {
  const received = new Promise<IncomingMessage>((resolve) => {
    onRequest = resolve;
  });
  await send();
  const req = await received;
  onRequest = undefined;
  return req;
}

/** Send raw header lines with node:http (a raw header array keeps duplicates). */
function sendRaw(rawHeaders: string[], method = 'POST'): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = ['Host', `127.0.0.1:${port}`, 'Content-Length', '0', ...rawHeaders];
    const req = httpRequest({ host: '127.0.0.1', port, method, path: '/', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Write bytes straight to a socket: the only way to put non-UTF-8 octets on the wire as is. */
function sendBytes(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', () => socket.end());
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('toRequestView: Fetch Request', () => {
  it('reads method, headers case-insensitively, cookies and its own origin', () => {
    const view = toRequestView(
      new Request('https://api.example.com:8443/graphql?x=1', {
        method: 'post',
        headers: { Authorization: 'Bearer abc', Cookie: 'a=1; logto_authtoken=tok' },
      }),
    );
    expect(view.method).toBe('POST');
    expect(view.header('authorization')).toBe('Bearer abc');
    expect(view.header('AUTHORIZATION')).toBe('Bearer abc');
    expect(view.headerCount('Authorization')).toBe(1);
    expect(view.headerCount('x-missing')).toBe(0);
    expect(view.header('x-missing')).toBeUndefined();
    expect(view.cookie('logto_authtoken')).toBe('tok');
    expect(view.cookie('missing')).toBeUndefined();
    expect(view.origin).toBe('https://api.example.com:8443');
    expect(view.rawToken).toBeUndefined();
  });

  it('sees Fetch-merged duplicate Authorization headers as one comma-joined value', () => {
    const headers = new Headers();
    headers.append('authorization', 'Bearer a');
    headers.append('authorization', 'Bearer b');
    const view = toRequestView(new Request('http://localhost/', { headers }));
    // Fetch merges them; extract then finds "Bearer a, Bearer b" malformed.
    expect(view.header('authorization')).toBe('Bearer a, Bearer b');
  });

  it('ignores a NextRequest-style cookies map and reads the Cookie header', () => {
    const request = new Request('http://localhost/', { headers: { cookie: 'logto_authtoken=fromheader' } });
    const nextLike = Object.assign(request, { cookies: { get: () => ({ name: 'x', value: 'y' }) } });
    expect(toRequestView(nextLike).cookie('logto_authtoken')).toBe('fromheader');
  });
});

describe('toRequestView: real Node IncomingMessage', () => {
  it('reads a request sent with fetch', async () => {
    const req = await capture(() =>
      fetch(`http://127.0.0.1:${port}/path`, {
        method: 'DELETE',
        headers: { authorization: 'Bearer xyz', cookie: 'logto_authtoken=c1', origin: 'http://elsewhere.test' },
      }),
    );
    const view = toRequestView(req);
    expect(view.method).toBe('DELETE');
    expect(view.header('Authorization')).toBe('Bearer xyz');
    expect(view.headerCount('authorization')).toBe(1);
    expect(view.cookie('logto_authtoken')).toBe('c1');
    expect(view.header('origin')).toBe('http://elsewhere.test');
    expect(view.origin).toBe(`http://127.0.0.1:${port}`);
  });

  it('counts duplicated Authorization headers that Node itself discards', async () => {
    const req = await capture(() => sendRaw(['Authorization', 'Bearer first', 'Authorization', 'Bearer second']));
    // Node keeps only the first in req.headers: the view must not believe it.
    expect(req.headers.authorization).toBe('Bearer first');
    const view = toRequestView(req);
    expect(view.headerCount('authorization')).toBe(2);
    expect(view.header('authorization')).toBeUndefined();
  });

  it('joins duplicated Cookie headers with "; "', async () => {
    const req = await capture(() => sendRaw(['Cookie', 'a=1', 'Cookie', 'logto_authtoken=t2']));
    const view = toRequestView(req);
    expect(view.header('cookie')).toBe('a=1; logto_authtoken=t2');
    expect(view.cookie('logto_authtoken')).toBe('t2');
  });

  it('survives a Cookie header with non-UTF-8 bytes', async () => {
    const head = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nCookie: junk=`;
    const bytes = Buffer.concat([
      Buffer.from(head, 'latin1'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0x25, 0x5a]),
      Buffer.from('; logto_authtoken=tok; guest=\xe9\r\n\r\n', 'latin1'),
    ]);
    const req = await capture(() => sendBytes(bytes));
    const view = toRequestView(req);
    expect(view.cookie('logto_authtoken')).toBe('tok');
    expect(view.cookie('guest')).toBe('\xe9');
    expect(view.cookie('junk')).toBe('\xff\xfe\xc3\x28\x80%Z');
  });
});

describe('toRequestView: plain objects', () => {
  it('reads a record with mixed-case keys and array values', () => {
    const view = toRequestView({
      method: 'patch',
      headers: { Authorization: 'Bearer r', 'X-Multi': ['a', 'b'], cookie: ['a=1', 'logto_authtoken=t'], host: 'api.test' },
    });
    expect(view.method).toBe('PATCH');
    expect(view.header('authorization')).toBe('Bearer r');
    expect(view.header('x-multi')).toBe('a, b');
    expect(view.headerCount('x-multi')).toBe(2);
    expect(view.cookie('logto_authtoken')).toBe('t');
    expect(view.origin).toBe('http://api.test');
  });

  it('treats two Authorization keys differing only in case as duplicates', () => {
    const view = toRequestView({ headers: { authorization: 'Bearer a', Authorization: 'Bearer b' } });
    expect(view.headerCount('authorization')).toBe(2);
    expect(view.header('authorization')).toBeUndefined();
  });

  it('gives undefined for an Authorization header sent as an array of two', () => {
    const view = toRequestView({ headers: { authorization: ['Bearer a', 'Bearer b'] } });
    expect(view.headerCount('authorization')).toBe(2);
    expect(view.header('authorization')).toBeUndefined();
  });

  it('reads a plain object whose headers are a Headers instance', () => {
    const view = toRequestView({ headers: new Headers({ cookie: 'logto_authtoken=h', host: 'example.test:8080' }), url: '/x' });
    expect(view.cookie('logto_authtoken')).toBe('h');
    expect(view.method).toBe('GET');
    expect(view.origin).toBe('http://example.test:8080');
  });

  it('lets pre-parsed cookies win over the Cookie header', () => {
    const view = toRequestView({
      headers: { cookie: 'logto_authtoken=header-value' },
      cookies: { logto_authtoken: 'parsed-value' },
    });
    expect(view.cookie('logto_authtoken')).toBe('parsed-value');
    expect(view.cookie('constructor')).toBeUndefined();
    expect(view.cookie('__proto__')).toBeUndefined();
  });

  it('treats pre-parsed cookies as authoritative and ignores non-string values', () => {
    const cookies: Record<string, string | undefined> = { other: 'x' };
    Object.assign(cookies, { json: { a: 1 } });
    const view = toRequestView({ headers: { cookie: 'logto_authtoken=header-value' }, cookies });
    expect(view.cookie('logto_authtoken')).toBeUndefined();
    expect(view.cookie('json')).toBeUndefined();
  });
});

describe('toRequestView: origin', () => {
  it('uses https when the socket is encrypted and ignores X-Forwarded-Proto', () => {
    const headers = { host: 'API.Example.com:443', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.test' };
    expect(toRequestView({ headers, socket: { encrypted: true } }).origin).toBe('https://api.example.com');
    expect(toRequestView({ headers: { host: 'api.example.com', 'x-forwarded-proto': 'https' } }).origin).toBe('http://api.example.com');
  });

  it('prefers an absolute url, then Host, then :authority', () => {
    expect(toRequestView({ url: 'https://a.test/x', headers: { host: 'b.test' } }).origin).toBe('https://a.test');
    expect(toRequestView({ url: '/x', headers: { ':authority': 'c.test:9000' } }).origin).toBe('http://c.test:9000');
    expect(toRequestView({ url: '/x', headers: { host: '[::1]:3000' } }).origin).toBe('http://[::1]:3000');
  });

  it('derives no origin from a missing, duplicated or malformed Host', () => {
    expect(toRequestView({ headers: {} }).origin).toBeUndefined();
    expect(toRequestView({ headers: { host: ['a.test', 'b.test'] } }).origin).toBeUndefined();
    for (const host of ['user@evil.test', 'a.test/path', 'a.test:port', '', 'a b']) {
      expect(toRequestView({ headers: { host } }).origin).toBeUndefined();
    }
  });
});

describe('toRequestView: malformed Cookie headers never throw', () => {
  const junk = Array.from({ length: 16 * 1024 }, (_, i) => String.fromCharCode(1 + ((i * 7919) % 254))).join('');
  const cases: [string, string, string | undefined][] = [
    ['%ZZ', 'logto_authtoken=%ZZ', '%ZZ'],
    [';;;', ';;;', undefined],
    ['duplicates: first wins', 'logto_authtoken=1; logto_authtoken=2', '1'],
    ['empty pairs', '=; =x; logto_authtoken=; ;', ''],
    ['no equals', 'logto_authtoken', undefined],
    ['__proto__', '__proto__=x; logto_authtoken=ok', 'ok'],
    ['16 KiB of junk', junk, undefined],
    ['junk then the cookie', `${junk}; logto_authtoken=after`, 'after'],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => {
      const view = toRequestView({ headers: { cookie: header } });
      expect(() => view.cookie('logto_authtoken')).not.toThrow();
      expect(view.cookie('logto_authtoken')).toBe(expected);
    });
  }
});

describe('toRequestView: string and invalid input', () => {
  it('gives a header-less view carrying the raw token', () => {
    const view = toRequestView('raw.token.value');
    expect(view.rawToken).toBe('raw.token.value');
    expect(view.method).toBe('GET');
    expect(view.header('authorization')).toBeUndefined();
    expect(view.headerCount('authorization')).toBe(0);
    expect(view.cookie('logto_authtoken')).toBeUndefined();
    expect(view.origin).toBeUndefined();
  });

  it('throws a TypeError for anything that is not a request', () => {
    const bad: unknown[] = [null, undefined, 42, {}, { headers: 'x' }, { headers: null }, Symbol('x')];
    for (const input of bad) expect(() => toRequestView(input as AuthInput)).toThrow(TypeError);
  });
});
