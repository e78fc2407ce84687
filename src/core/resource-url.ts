// The URL rules of an OAuth protected resource (an MCP server is one): its identifier and
// where its RFC 9728 metadata lives. Shared by the `resourceMetadataUrl` option and
// `protectedResourceMetadata`, so both refuse the same mistakes with the same words.

/** The well-known suffix of RFC 9728 §3. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

// RFC 9728 §7.1 and the MCP authorization spec: https, except a server on the developer's own machine.
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What is wrong with `value` as a resource URL, in words that say what to change; `undefined` when
 * it is an absolute `https:` URL (or `http:` on localhost, 127.0.0.1 or [::1]) without a fragment.
 *
 * @example
 * ```ts
 * resourceUrlProblem('http://mcp.example.com/mcp') // 'must use https: (http: only on localhost or 127.0.0.1), e.g. "https://mcp.example.com/mcp"'
 * ```
 */
export function resourceUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return 'must be an absolute URL such as "https://mcp.example.com/mcp"';
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    const https = url.protocol === 'http:' ? `, e.g. "https://${value.slice('http://'.length)}"` : '';
    return `must use https: (http: only on localhost or 127.0.0.1)${https}`;
  }
  // RFC 9728 §1.2 and RFC 8707 §2: a resource identifier has no fragment.
  if (url.hash !== '' || value.includes('#')) return `must not have a fragment: drop "#${url.hash.slice(1)}"`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  return undefined;
}

// RFC 9728 §3.1: "/.well-known/oauth-protected-resource" goes between the host and the path;
// a path of "/" alone is dropped.
const suffixOf = (url: URL): string => (url.pathname === '/' ? '' : url.pathname);

/**
 * The path to mount the metadata document of `resource` at (RFC 9728 §3.1): for
 * `https://h/mcp` it is `/.well-known/oauth-protected-resource/mcp`, not `/mcp/.well-known/…`.
 *
 * @throws TypeError when `resource` is not a valid resource URL (see {@link resourceUrlProblem})
 * @example
 * ```ts
 * protectedResourceMetadataPath('https://mcp.example.com/mcp') // '/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function protectedResourceMetadataPath(resource: string): string {
  const problem = resourceUrlProblem(resource);
  if (problem) throw new TypeError(`logto-authkit: resource ${JSON.stringify(resource)} ${problem}`);
  return `${PROTECTED_RESOURCE_WELL_KNOWN}${suffixOf(new URL(resource))}`;
}

/**
 * The absolute URL of the metadata document of `resource` (RFC 9728 §3.1), the value for the
 * kit's `resourceMetadataUrl` option and the SDK's `resourceMetadataUrl`. A query stays on it, as
 * the MCP SDK's client asks for it so.
 *
 * @throws TypeError when `resource` is not a valid resource URL
 * @example
 * ```ts
 * protectedResourceMetadataUrl('https://mcp.example.com/mcp') // 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const path = protectedResourceMetadataPath(resource);
  const url = new URL(resource);
  return `${url.origin}${path}${url.search}`;
}
