// The options of `protectedResourceMetadata`, checked once with the plain rules every kit
// option uses, and turned into the RFC 9728 §2 document.
import { AuthKitOptionsError } from './options.js';
import { httpUrl, listOf, matches, numberIn, optionProblems, satisfies, type OptionRule } from './option-rules.js';
import { resourceUrlProblem } from './resource-url.js';

/** Options of `protectedResourceMetadata`. */
export interface ProtectedResourceMetadataOptions {
  /**
   * The protected resource's identifier (RFC 9728 §1.2): the MCP server's canonical URI, e.g.
   * `https://mcp.example.com/mcp`. It must be one of the kit's `audience` values, since that is
   * the API resource indicator Logto writes into `aud` (RFC 8707; docs/logto.md "API resources"). Required.
   */
  resource: string;
  /** `scopes_supported`: the permissions of the API resource in Logto. @default undefined (omitted) */
  scopesSupported?: string[];
  /** `resource_name`, shown to users by clients. @default undefined (omitted) */
  resourceName?: string;
  /** `resource_documentation`: a page about the resource for developers. @default undefined (omitted) */
  resourceDocumentation?: string;
  /**
   * `bearer_methods_supported` (RFC 9728 §2). The kit reads a bearer token only from the
   * `Authorization` header (RFC 6750 §2.1), so `'header'` is the one method that can be listed.
   * @default ['header']
   */
  bearerMethodsSupported?: 'header'[];
  /** `authorization_servers`: issuer identifiers. @default the kit's issuers (`${logtoUrl}/oidc`) */
  authorizationServers?: string[];
  /** `Cache-Control: max-age` of the document, in seconds. @default 3600 */
  maxAge?: number;
}

/** The RFC 9728 §2 protected-resource metadata document. */
export interface ProtectedResourceMetadataDocument {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: string[];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
}

const resourceRule: OptionRule = (value) => {
  const message = resourceUrlProblem(value);
  return message === undefined ? undefined : { path: '', message };
};
const scope = matches(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be scope names without spaces or quotes (RFC 6749 §3.3)');
const rules: Readonly<Record<keyof ProtectedResourceMetadataOptions, OptionRule>> = {
  resource: resourceRule,
  scopesSupported: listOf(scope),
  resourceName: matches(/\S/, 'must not be empty'),
  resourceDocumentation: httpUrl,
  bearerMethodsSupported: listOf(
    satisfies((v) => v === 'header', 'must be "header": the kit reads bearer tokens from the Authorization header only'),
    'must name at least one method ("header")',
  ),
  authorizationServers: listOf(httpUrl, 'must name at least one issuer'),
  maxAge: numberIn({ integer: true, min: 0 }),
};

/** What the kit contributes: its issuers and audiences. */
export interface MetadataKitFacts {
  issuers: readonly string[];
  audiences: readonly string[];
}

/**
 * Check `options` against the kit and build the document; throws an `AuthKitOptionsError`
 * naming every problem.
 *
 * @example
 * ```ts
 * metadataDocument({ issuers: ['https://t.logto.app/oidc'], audiences: ['https://h/mcp'] }, { resource: 'https://h/mcp' })
 * ```
 */
export function metadataDocument(kit: MetadataKitFacts, options: ProtectedResourceMetadataOptions): ProtectedResourceMetadataDocument {
  const entry = 'logto-authkit: protectedResourceMetadata()';
  if (typeof options !== 'object' || options === null) throw new AuthKitOptionsError(`${entry} needs options with a "resource"`);
  const problems = optionProblems(options as unknown as Record<string, unknown>, rules);
  if (options.resource === undefined) problems.push('option "resource" is required (the MCP server\'s canonical URI, e.g. "https://mcp.example.com/mcp")');
  else if (problems.length === 0 && !kit.audiences.includes(options.resource)) {
    // RFC 8707: the token's `aud` is this value; a kit expecting another audience would refuse every token.
    problems.push(`option "resource" must be one of the kit's audiences (${kit.audiences.join(', ')}): add it to "audience", as the API resource indicator in Logto`);
  }
  if (problems.length > 0) throw new AuthKitOptionsError(`${entry}: ${problems.join('; ')}`);
  return {
    resource: options.resource,
    authorization_servers: [...(options.authorizationServers ?? kit.issuers)],
    bearer_methods_supported: [...new Set(options.bearerMethodsSupported ?? ['header'])],
    ...(options.scopesSupported ? { scopes_supported: [...options.scopesSupported] } : {}),
    ...(options.resourceName !== undefined ? { resource_name: options.resourceName } : {}),
    ...(options.resourceDocumentation !== undefined ? { resource_documentation: options.resourceDocumentation } : {}),
  };
}
