/**
 * One read-only view over every request shape the library accepts. Pure web
 * globals only (`URL`): this runs on Node, Bun, Deno, the edge and a Next.js proxy.
 */
import { parseCookie } from 'cookie';

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

const EMPTY: readonly string[] = Object.freeze([]);

function toList(value: unknown): readonly string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return EMPTY;
}

/** Values by lower-case name, for a record whose keys may be in any case (built once per request). */
function indexRecord(record: Record<string, unknown>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const key of Object.keys(record)) {
    const lower = key.toLowerCase();
    const list = index.get(lower) ?? [];
    list.push(...toList(record[key]));
    index.set(lower, list);
  }
  return index;
}

function rawCount(rawHeaders: readonly unknown[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    // Length first: most names differ in length, and lower-casing allocates.
    if (typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) count++;
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
  fetchHeaders ? undefined : (indexRecord(headers).get(':authority') ?? EMPTY)[0];

const stringView = (token: string): RequestView => ({
  method: 'GET',
  header: () => undefined,
  headerCount: () => 0,
  cookie: () => undefined,
  origin: undefined,
  rawToken: token,
});

// A class, not a literal of closures: a request view is made on every request,
// and methods on a prototype cost nothing per request.
class View implements RequestView {
  readonly method: string;
  private index: Map<string, string[]> | undefined;
  private parsed: Record<string, string | undefined> | undefined;
  private ownOrigin: string | null | undefined = null;

  constructor(
    private readonly request: Record<string, unknown>,
    private readonly headers: Record<string, unknown>,
    private readonly fetchHeaders: HeadersLike | undefined,
    private readonly rawHeaders: readonly unknown[] | undefined,
    // A record of strings only: NextRequest's `cookies` is a RequestCookies map (with `get`), read from the header instead.
    private readonly preParsed: Record<string, unknown> | undefined,
  ) {
    const method = request.method;
    this.method = typeof method === 'string' && method !== '' ? method.toUpperCase() : 'GET';
  }

  private values(lower: string): readonly string[] {
    if (this.fetchHeaders) {
      const value = this.fetchHeaders.get(lower);
      return value === null ? EMPTY : [value];
    }
    // Node lower-cases `headers` keys (its `rawHeaders` tell it is Node); other records may not.
    if (this.rawHeaders) return toList(this.headers[lower]);
    this.index ??= indexRecord(this.headers);
    return this.index.get(lower) ?? EMPTY;
  }

  headerCount(name: string): number {
    const lower = name.toLowerCase();
    const count = this.values(lower).length;
    // Node keeps only the first duplicated Authorization in `headers`; `rawHeaders` has them all.
    return this.rawHeaders ? Math.max(count, rawCount(this.rawHeaders, lower)) : count;
  }

  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    const found = this.values(lower);
    if (found.length === 0) return undefined;
    // A Fetch `Headers` alone merges repeats into one value (its count is 1, nothing to ask); records and raw header lists can tell.
    const countable = this.fetchHeaders === undefined || this.rawHeaders !== undefined;
    if (lower === 'authorization' && countable && this.headerCount(lower) > 1) return undefined;
    return found.length === 1 ? found[0] : found.join(lower === 'cookie' ? '; ' : ', ');
  }

  cookie(name: string): string | undefined {
    if (this.preParsed) {
      const value = Object.hasOwn(this.preParsed, name) ? this.preParsed[name] : undefined;
      return typeof value === 'string' ? value : undefined;
    }
    if (this.parsed === undefined) {
      const raw = this.header('cookie');
      try {
        this.parsed = raw === undefined ? {} : parseCookie(raw);
      } catch {
        this.parsed = {};
      }
    }
    // The type guard turns inherited names (`constructor`, `__proto__`) into misses.
    const value = this.parsed[name];
    return typeof value === 'string' ? value : undefined;
  }

  get origin(): string | undefined {
    if (this.ownOrigin === null) {
      // RFC 9112 §3.2: more than one Host makes the request invalid, so no origin is derived from it.
      const host = this.headerCount('host') > 1 ? undefined : (this.values('host')[0] ?? authority(this.headers, this.fetchHeaders));
      const socket = this.request.socket;
      this.ownOrigin = ownOrigin(this.request.url, host?.trim(), isObject(socket) && socket.encrypted === true);
    }
    return this.ownOrigin;
  }
}

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
  const preParsed = isObject(request.cookies) && !isHeadersLike(request.cookies) ? request.cookies : undefined;
  return new View(request, headers, fetchHeaders, rawHeaders, preParsed);
}
