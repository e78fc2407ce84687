/**
 * One read-only view over every request shape the library accepts. Pure web
 * globals only (`URL`): this runs on Node, Bun, Deno, the edge and a Next.js proxy.
 */
import { parse } from 'cookie';

type HeaderValue = string | string[] | undefined;

/** A Node `IncomingMessage`-like object, matched structurally (no `node:` import). */
export interface NodeRequestLike {
  headers: Record<string, HeaderValue>;
  /** Node's raw header list (`[name, value, ...]`): the only place duplicated `Authorization` lines survive. */
  rawHeaders?: readonly string[];
  method?: string;
  url?: string;
  socket?: { encrypted?: boolean };
}

/** A plain object, e.g. a framework's request with already-parsed cookies. */
export interface PlainRequestLike {
  headers: Headers | Record<string, HeaderValue>;
  /** Pre-parsed cookies (Express cookie-parser, Next's `req.cookies`); authoritative when given. */
  cookies?: Record<string, string | undefined>;
  method?: string;
  url?: string;
}

/** Anything a request can be read from: a Fetch `Request`, a Node request, a plain object or a raw token. */
export type AuthInput = Request | NodeRequestLike | PlainRequestLike | string;

/** The parts of a request the pipeline reads. */
export interface RequestView {
  /** Upper-case method; `'GET'` when unknown. */
  method: string;
  /**
   * A header value, name case-insensitive. Repeated values are joined with `', '`
   * (`'; '` for `cookie`, RFC 9113 §8.2.3); a repeated `authorization` gives
   * `undefined`, since picking one would be a guess (see {@link RequestView.headerCount}).
   */
  header(name: string): string | undefined;
  /** How many values of `name` were sent (1 for a Fetch `Headers`, which merges them). */
  headerCount(name: string): number;
  /** A cookie value; never throws on malformed `Cookie` headers; the first of duplicates wins. */
  cookie(name: string): string | undefined;
  /** The request's own origin (`scheme://host[:port]`); `X-Forwarded-*` is not trusted. */
  origin: string | undefined;
  /** Set when the input was a raw token string. */
  rawToken?: string;
}

interface HeadersLike {
  get(name: string): string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isHeadersLike = (value: unknown): value is HeadersLike => isObject(value) && typeof value.get === 'function';

/** Every value sent under `name` (lower-case), from a record whose keys may be in any case. */
function recordValues(record: Record<string, unknown>, name: string): string[] {
  const values: string[] = [];
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue;
    const value = record[key];
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') values.push(item);
  }
  return values;
}

function rawCount(rawHeaders: readonly unknown[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (typeof key === 'string' && key.toLowerCase() === name) count++;
  }
  return count;
}

// RFC 9110 §7.2: Host is uri-host [ ":" port ]; anything else (userinfo, paths) is refused.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::\d{1,5})?$/;

function ownOrigin(url: unknown, host: string | undefined, encrypted: boolean): string | undefined {
  if (typeof url === 'string' && /^https?:\/\//i.test(url)) {
    try {
      return new URL(url).origin;
    } catch {
      // fall through to Host
    }
  }
  if (host === undefined || !HOST.test(host)) return undefined;
  try {
    return new URL(`${encrypted ? 'https' : 'http'}://${host}`).origin;
  } catch {
    return undefined;
  }
}

// Node's HTTP/2 compatibility layer carries the authority in `:authority`, not Host
// (a Fetch `Headers` refuses pseudo-header names, so only records are asked).
const authority = (headers: Record<string, unknown>, fetchHeaders: HeadersLike | undefined): string | undefined =>
  fetchHeaders ? undefined : recordValues(headers, ':authority')[0];

const stringView = (token: string): RequestView => ({
  method: 'GET',
  header: () => undefined,
  headerCount: () => 0,
  cookie: () => undefined,
  origin: undefined,
  rawToken: token,
});

/**
 * Normalise any accepted input into a {@link RequestView}. Cheap: headers are read
 * on demand and the `Cookie` header is parsed at most once.
 *
 * @throws TypeError when `input` is neither a string nor an object with `headers`.
 * @example
 * ```ts
 * const view = toRequestView(new Request('https://api.example.com/', { headers: { authorization: 'Bearer x' } }))
 * view.header('Authorization') // 'Bearer x'
 * view.origin                  // 'https://api.example.com'
 * ```
 */
export function toRequestView(input: AuthInput): RequestView {
  if (typeof input === 'string') return stringView(input);
  const request: unknown = input;
  if (!isObject(request) || !isObject(request.headers)) {
    throw new TypeError('logto-authkit: expected a Request, a Node request, an object with `headers`, or a token string');
  }
  const headers = request.headers;
  const fetchHeaders = isHeadersLike(headers) ? headers : undefined;
  const rawHeaders = Array.isArray(request.rawHeaders) ? (request.rawHeaders as unknown[]) : undefined;

  const values = (name: string): string[] => {
    if (fetchHeaders) {
      const value = fetchHeaders.get(name);
      return value === null ? [] : [value];
    }
    return recordValues(headers, name);
  };
  const headerCount = (name: string): number => {
    const lower = name.toLowerCase();
    const count = values(lower).length;
    // Node keeps only the first duplicated Authorization in `headers`; `rawHeaders` has them all.
    return rawHeaders ? Math.max(count, rawCount(rawHeaders, lower)) : count;
  };
  const header = (name: string): string | undefined => {
    const lower = name.toLowerCase();
    const found = values(lower);
    if (found.length === 0) return undefined;
    if (lower === 'authorization' && headerCount(lower) > 1) return undefined;
    return found.join(lower === 'cookie' ? '; ' : ', ');
  };

  // A record of strings only: NextRequest's `cookies` is a RequestCookies map (with `get`), read from the header instead.
  const preParsed = isObject(request.cookies) && !isHeadersLike(request.cookies) ? request.cookies : undefined;
  let parsed: Record<string, string | undefined> | undefined;
  const cookie = (name: string): string | undefined => {
    if (preParsed) {
      const value = Object.hasOwn(preParsed, name) ? preParsed[name] : undefined;
      return typeof value === 'string' ? value : undefined;
    }
    if (parsed === undefined) {
      const raw = header('cookie');
      try {
        parsed = raw === undefined ? {} : parse(raw);
      } catch {
        parsed = {};
      }
    }
    // The type guard turns inherited names (`constructor`, `__proto__`) into misses.
    const value = parsed[name];
    return typeof value === 'string' ? value : undefined;
  };

  const method = typeof request.method === 'string' && request.method !== '' ? request.method.toUpperCase() : 'GET';
  const encrypted = isObject(request.socket) && request.socket.encrypted === true;
  let origin: string | null | undefined = null;
  const readOrigin = (): string | undefined => {
    // RFC 9112 §3.2: more than one Host makes the request invalid, so no origin is derived from it.
    const host = headerCount('host') > 1 ? undefined : (values('host')[0] ?? authority(headers, fetchHeaders));
    return ownOrigin(request.url, host?.trim(), encrypted);
  };

  return {
    method,
    header,
    headerCount,
    cookie,
    get origin() {
      if (origin === null) origin = readOrigin();
      return origin;
    },
  };
}
