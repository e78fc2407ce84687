import { check, skipped, type Check } from './check.js';
import type { Expectations } from './expectations.js';
import { describeFetchError, type FetchOnce } from './fetch-once.js';
import { CONFIG_FIXES } from './fixes.js';
import { describeKeys, readKeySet, type PublishedKey } from './key-set.js';

/** The configuration checks and, when it could be read, the key set. */
export interface ConfigurationReport {
  checks: Check[];
  keys: PublishedKey[] | undefined;
}

const readJSONObject = (body: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

async function checkDiscovery(expected: Expectations, web: FetchOnce): Promise<Check[]> {
  const url = expected.discoveryUrl;
  let document: Record<string, unknown> | undefined;
  let problem: string;
  try {
    const answer = await web.get(url);
    document = answer.status === 200 ? readJSONObject(answer.text) : undefined;
    problem = answer.status === 200 ? 'it is not a JSON object' : `it answered HTTP ${answer.status}`;
  } catch (error) {
    problem = describeFetchError(error);
  }
  if (!document) {
    return [
      check('discovery', 'fail', 'discovery', `cannot read ${url}: ${problem}`, { reason: 'discovery_unreachable', fix: CONFIG_FIXES.discovery_unreachable(url), actual: url }),
      skipped('issuer', 'issuer', 'discovery could not be read'),
    ];
  }
  const checks = [check('discovery', 'pass', 'discovery', `read ${url}`, { actual: url })];
  const { issuer, jwks_uri: jwksUri } = document;
  if (typeof issuer === 'string' && expected.issuers.includes(issuer)) {
    checks.push(check('issuer', 'pass', 'issuer', `Logto says its issuer is ${issuer}, as expected`, { actual: issuer, expected: expected.issuers }));
  } else {
    checks.push(
      check('issuer', 'fail', 'issuer', `Logto says its issuer is ${String(issuer)}; the kit expects ${expected.issuers.join(' or ')}`, {
        reason: 'issuer_mismatch',
        fix: typeof issuer === 'string' ? CONFIG_FIXES.issuer_mismatch(issuer) : CONFIG_FIXES.discovery_unreachable(url),
        actual: issuer,
        expected: expected.issuers,
      }),
    );
  }
  if (typeof jwksUri === 'string' && jwksUri !== expected.jwksUrl) {
    checks.push(
      check('jwks_uri', 'warn', 'key set URL', `Logto announces its keys at ${jwksUri}; the kit reads them from ${expected.jwksUrl}`, {
        reason: 'jwks_uri_differs',
        fix: CONFIG_FIXES.jwks_uri_differs(jwksUri),
        actual: jwksUri,
        expected: expected.jwksUrl,
      }),
    );
  }
  return checks;
}

async function checkKeySet(expected: Expectations, web: FetchOnce): Promise<ConfigurationReport> {
  const url = expected.jwksUrl;
  let keys: PublishedKey[] | string;
  try {
    const answer = await web.get(url);
    keys = answer.status === 200 ? readKeySet(answer.text) : `it answered HTTP ${answer.status}`;
  } catch (error) {
    keys = describeFetchError(error);
  }
  if (typeof keys === 'string' || keys.length === 0) {
    const why = typeof keys === 'string' ? keys : 'it holds no key';
    return {
      keys: undefined,
      checks: [
        check('jwks', 'fail', 'key set', `cannot use ${url}: ${why}`, { reason: 'jwks_unavailable', fix: CONFIG_FIXES.jwks_unreachable(url), actual: url }),
        skipped('algorithms', 'algorithms', 'no key set'),
      ],
    };
  }
  const checks = [check('jwks', 'pass', 'key set', `${keys.length} key(s) at ${url}: ${describeKeys(keys)}`, { actual: keys.map(({ kid, kty, alg, use }) => ({ kid, kty, alg, use })) })];
  const usable = keys.filter((k) => k.alg !== undefined && expected.algorithms.includes(k.alg) && k.use !== 'enc');
  const found = [...new Set(keys.map((k) => k.alg ?? `${k.kty ?? 'unknown'} (no alg)`))];
  const allowed = `allowed: ${expected.algorithms.join(', ')}`;
  if (usable.length === 0) {
    checks.push(check('algorithms', 'fail', 'algorithms', `no key fits an allowed algorithm: keys use ${found.join(', ')} (${allowed})`, { reason: 'no_usable_key', fix: CONFIG_FIXES.no_usable_key(expected.algorithms), actual: found, expected: expected.algorithms }));
  } else {
    const status = usable.length === keys.length ? 'pass' : 'warn';
    checks.push(check('algorithms', status, 'algorithms', `keys use ${found.join(', ')} (${allowed}); ${usable.length} of ${keys.length} key(s) can verify tokens`, { actual: found, expected: expected.algorithms }));
  }
  return { keys, checks };
}

/**
 * Check what the kit depends on before any token: discovery
 * reachable, its issuer the one the kit expects, and a key set with keys the kit can use.
 *
 * @example
 * ```ts
 * const { checks, keys } = await checkConfiguration(expected, createFetchOnce({ timeout: 5_000 }))
 * ```
 */
export async function checkConfiguration(expected: Expectations, web: FetchOnce): Promise<ConfigurationReport> {
  // A logtoUrl ending in /oidc never gets here: the kit refuses it at construction.
  const [discovery, keySet] = await Promise.all([checkDiscovery(expected, web), checkKeySet(expected, web)]);
  return { checks: [...discovery, ...keySet.checks], keys: keySet.keys };
}
