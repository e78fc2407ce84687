import type { NormalizedOptions } from 'logto-authkit';

/** What the kit expects of a token, read from the kit's own normalized options. */
export interface Expectations {
  logtoUrl: string | undefined;
  issuers: readonly string[];
  audiences: readonly string[];
  jwksUrl: string;
  discoveryUrl: string;
  algorithms: readonly string[];
  requiredScopes: readonly string[];
  clockTolerance: number;
  organizationTokens: boolean;
  maxTokenSize: number;
  /** The clock the token is judged by, in ms. */
  nowMs: number;
}

/**
 * Derive the expectations from a kit's options, so the report and the verdict share one source.
 *
 * @example
 * ```ts
 * const expected = expectationsOf(kit.options, 'https://tenant.logto.app', Date.now())
 * expected.discoveryUrl // 'https://tenant.logto.app/oidc/.well-known/openid-configuration'
 * ```
 */
export function expectationsOf(options: NormalizedOptions, logtoUrl: string | undefined, nowMs: number): Expectations {
  const endpoint = logtoUrl?.replace(/\/+$/, '');
  // OpenID Connect Discovery 1.0 §4: the document is at {issuer}/.well-known/openid-configuration.
  const discoveryUrl = `${endpoint === undefined ? options.issuers[0] : `${endpoint}/oidc`}/.well-known/openid-configuration`;
  return {
    logtoUrl: endpoint,
    issuers: options.issuers,
    audiences: options.audiences,
    jwksUrl: options.jwksUrl,
    discoveryUrl,
    algorithms: options.algorithms,
    requiredScopes: options.requiredScopes,
    clockTolerance: options.clockTolerance,
    organizationTokens: options.organizationTokens,
    maxTokenSize: options.maxTokenSize,
    nowMs,
  };
}
