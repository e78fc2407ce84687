// RFC 9728 protected-resource metadata: how an MCP client (or any OAuth client) that got a
// 401 learns which authorization server — Logto — issues tokens for this resource.
import type { AuthKit } from './kit.js';
import { metadataDocument, type ProtectedResourceMetadataDocument, type ProtectedResourceMetadataOptions } from './protected-resource-options.js';
import { protectedResourceMetadataPath, protectedResourceMetadataUrl } from './resource-url.js';

/** A framework-neutral answer: status, headers and body (`undefined` for HEAD, OPTIONS and 405). */
export interface MetadataAnswer {
  status: 200 | 204 | 405;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A Node `ServerResponse` (or Express response), matched structurally: no `node:` import in the core. */
export interface MetadataNodeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** The metadata document of one resource, and its answers in each server's form. */
export interface ProtectedResourceMetadata {
  /** The JSON document (RFC 9728 §2), frozen. */
  readonly document: Readonly<ProtectedResourceMetadataDocument>;
  /** Where to mount it (RFC 9728 §3.1), e.g. `/.well-known/oauth-protected-resource/mcp`. */
  readonly path: string;
  /** Its absolute URL: the kit's `resourceMetadataUrl`. */
  readonly url: string;
  /** Whether a request path is {@link path} (one trailing slash aside, as MCP clients strip it). */
  matches(pathname: string): boolean;
  /** The answer to a request with `method`: 200 for GET/HEAD, 204 for a CORS preflight, else 405. */
  answer(method: string | undefined): MetadataAnswer;
  /** The Fetch form: a `Response` for a `Request` (Hono, Next.js route handlers, workers). */
  handleRequest(request: Request): Response;
  /** The Node form: answers on a `ServerResponse` (`node:http`, and any framework on it). */
  handleNodeRequest(req: { method?: string }, res: MetadataNodeResponse): void;
}

const ALLOW = 'GET, HEAD, OPTIONS';
// Browser MCP clients send `MCP-Protocol-Version` (a non-safelisted header), so the GET is preflighted.
const CORS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': ALLOW,
  'access-control-allow-headers': 'authorization, content-type, mcp-protocol-version',
  'access-control-max-age': '86400',
});
const trimSlash = (path: string): string => (path.length > 1 ? path.replace(/\/$/, '') : path);

/**
 * The RFC 9728 `/.well-known/oauth-protected-resource` document of `options.resource`, served
 * with `authorization_servers` set to the kit's issuer, `Cache-Control: public`, and CORS open to
 * every origin (it is public by design). Options are checked here, once.
 *
 * @throws AuthKitOptionsError for a `resource` that is not https (http only on localhost), has a
 * fragment, or is not one of the kit's audiences; for any other bad option
 * @example
 * ```ts
 * const metadata = protectedResourceMetadata(kit, { resource: 'https://mcp.example.com/mcp', scopesSupported: ['read:notes'] })
 * // metadata.path === '/.well-known/oauth-protected-resource/mcp'
 * export const GET = (request: Request) => metadata.handleRequest(request)
 * ```
 */
export function protectedResourceMetadata(kit: Pick<AuthKit<unknown>, 'options'>, options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  const document = Object.freeze(metadataDocument(kit.options, options));
  const path = protectedResourceMetadataPath(document.resource);
  const body = JSON.stringify(document);
  const ok = Object.freeze({
    ...CORS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': `public, max-age=${options.maxAge ?? 3600}`,
  });
  const answer = (method: string | undefined): MetadataAnswer => {
    const verb = (method ?? 'GET').toUpperCase();
    if (verb === 'GET' || verb === 'HEAD') return { status: 200, headers: { ...ok }, body: verb === 'GET' ? body : undefined };
    if (verb === 'OPTIONS') return { status: 204, headers: { ...CORS }, body: undefined };
    return { status: 405, headers: { ...CORS, allow: ALLOW }, body: undefined };
  };
  return {
    document,
    path,
    url: protectedResourceMetadataUrl(document.resource),
    matches: (pathname) => trimSlash(pathname) === trimSlash(path),
    answer,
    handleRequest(request) {
      const { status, headers, body: text } = answer(request.method);
      return new Response(text ?? null, { status, headers });
    },
    handleNodeRequest(req, res) {
      const { status, headers, body: text } = answer(req.method);
      res.statusCode = status;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.end(text);
    },
  };
}
