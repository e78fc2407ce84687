/**
 * The kit's events as OpenTelemetry metrics and spans, through `@opentelemetry/api`
 * only (an optional peer: the application brings its SDK and exporters). No
 * semantic convention covers token verification, so instruments live under
 * `logto_authkit.`; the stable `error.type` attribute carries the refusal code or
 * fetch failure (set only on failure, as the convention asks), durations are
 * histograms in seconds, and the JWKS fetch span carries `url.full`.
 */
import { SpanKind, SpanStatusCode, metrics, trace, type Attributes, type MeterProvider, type Span, type TracerProvider } from '@opentelemetry/api';
import type { AuthKit, AuthKitEvent } from 'logto-authkit';

/** Options of {@link instrumentAuthKit}. */
export interface InstrumentAuthKitOptions {
  /** Where the instruments are created. @default the global one (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider;
  /** Where the JWKS fetch spans are created. @default the global one (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
}

const SCOPE = 'logto-authkit';
const ERROR_TYPE = 'error.type';

// A URL's userinfo is a credential; the convention asks for it to be redacted from `url.full`.
function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = 'REDACTED';
    parsed.password = 'REDACTED';
  }
  return parsed.href;
}

/**
 * Record a kit's events as metrics (`logto_authkit.verifications`,
 * `logto_authkit.jwks.fetch.duration`, `logto_authkit.jwks.keys_changed`,
 * `logto_authkit.jwks.refetches_refused`, `logto_authkit.jwks.stale_served`,
 * `logto_authkit.revocations`, `logto_authkit.revocation.store.health_changes`, and the gauges `logto_authkit.jwks.age`,
 * `logto_authkit.token_cache.entries`, `logto_authkit.token_cache.size`,
 * `logto_authkit.revocation.store.healthy`), each JWKS fetch as a client span
 * `logto_authkit.jwks.fetch`, and each verification as an event on the active span
 * (the request's server span, when the application traces requests). No
 * attribute holds a token, a claim or a subject. Returns a function that stops recording.
 *
 * @example
 * ```ts
 * import { instrumentAuthKit } from 'logto-authkit/opentelemetry'
 *
 * const kit = createAuthKit({ logtoUrl, audience })
 * const stop = instrumentAuthKit(kit) // the global providers your SDK registered
 * ```
 */
export function instrumentAuthKit<TClaims>(kit: AuthKit<TClaims>, options: InstrumentAuthKitOptions = {}): () => void {
  if (typeof kit?.onEvent !== 'function' || typeof kit.stats !== 'function') throw new TypeError('logto-authkit: instrumentAuthKit() needs a kit from createAuthKit()');
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const url = redacted(kit.options.jwksUrl);

  const verifications = meter.createCounter('logto_authkit.verifications', { unit: '{verification}', description: 'Access tokens verified, by outcome and refusal code.' });
  const fetchDuration = meter.createHistogram('logto_authkit.jwks.fetch.duration', { unit: 's', description: 'Duration of JWKS fetches; error.type names the failure.' });
  const keysChanged = meter.createCounter('logto_authkit.jwks.keys_changed', { unit: '{change}', description: 'JWKS fetches that changed the kids or key material.' });
  const refetchesRefused = meter.createCounter('logto_authkit.jwks.refetches_refused', { unit: '{refetch}', description: 'Unknown key ids that caused no refetch, by cause.' });
  const staleServed = meter.createCounter('logto_authkit.jwks.stale_served', { unit: '{verification}', description: 'Verifications made with a key set past its cache TTL.' });
  const revocations = meter.createCounter('logto_authkit.revocations', { unit: '{revocation}', description: 'Revocations applied to this instance.' });
  const healthChanges = meter.createCounter('logto_authkit.revocation.store.health_changes', { unit: '{change}', description: 'Flips of the revocation store between reachable and unreachable, by the new state.' });
  const jwksAge = meter.createObservableGauge('logto_authkit.jwks.age', { unit: 's', description: 'Time since the last successful JWKS fetch.' });
  const cacheEntries = meter.createObservableUpDownCounter('logto_authkit.token_cache.entries', { unit: '{entry}', description: 'Verified tokens cached.' });
  const cacheSize = meter.createObservableUpDownCounter('logto_authkit.token_cache.size', { unit: 'By', description: 'Estimated bytes the token cache holds.' });
  const storeHealthy = meter.createObservableGauge('logto_authkit.revocation.store.healthy', { unit: '1', description: '1 while the revocation store can answer, else 0.' });
  const observe: Parameters<typeof meter.addBatchObservableCallback>[0] = (result) => {
    const stats = kit.stats();
    if (stats.jwks.ageMs !== undefined) result.observe(jwksAge, stats.jwks.ageMs / 1000);
    if (stats.tokenCache) {
      result.observe(cacheEntries, stats.tokenCache.entries);
      result.observe(cacheSize, stats.tokenCache.bytes);
    }
    if (stats.revocation) result.observe(storeHealthy, stats.revocation.healthy ? 1 : 0);
  };
  const observables = [jwksAge, cacheEntries, cacheSize, storeHealthy];
  meter.addBatchObservableCallback(observe, observables);

  let fetchSpan: Span | undefined;
  const listener = (event: AuthKitEvent): void => {
    switch (event.type) {
      case 'verification': {
        const attributes: Attributes = { 'logto_authkit.verification.outcome': event.outcome, 'logto_authkit.cache_hit': event.cacheHit };
        if (event.code !== undefined) attributes[ERROR_TYPE] = event.code;
        if (event.reason !== undefined) attributes['logto_authkit.refusal.reason'] = event.reason;
        verifications.add(1, attributes);
        trace.getActiveSpan()?.addEvent('logto_authkit.verification', attributes);
        return;
      }
      case 'jwks.fetch':
        if (event.phase === 'started') {
          fetchSpan = tracer.startSpan('logto_authkit.jwks.fetch', { kind: SpanKind.CLIENT, attributes: { 'url.full': url } });
          return;
        }
        if (event.phase === 'succeeded') {
          fetchDuration.record(event.durationMs / 1000);
          fetchSpan?.setAttribute('logto_authkit.jwks.key_count', event.keyCount);
        } else {
          fetchDuration.record(event.durationMs / 1000, { [ERROR_TYPE]: event.failure });
          fetchSpan?.setAttribute(ERROR_TYPE, event.failure);
          fetchSpan?.setStatus({ code: SpanStatusCode.ERROR, message: event.failure });
        }
        fetchSpan?.end();
        fetchSpan = undefined;
        return;
      case 'jwks.keys_changed':
        keysChanged.add(1);
        return;
      case 'jwks.refetch_refused':
        refetchesRefused.add(1, { 'logto_authkit.jwks.refusal.cause': event.cause });
        trace.getActiveSpan()?.addEvent('logto_authkit.jwks.refetch_refused', { 'logto_authkit.jwks.refusal.cause': event.cause });
        return;
      case 'jwks.stale_served':
        staleServed.add(1);
        return;
      case 'revocation.applied':
        // The subject stays out: a metric attribute per user is unbounded cardinality.
        revocations.add(1);
        return;
      case 'revocation.health_changed':
        // The gauge is read at each collection and misses an outage shorter than the interval; the counter does not.
        healthChanges.add(1, { 'logto_authkit.revocation.store.healthy': event.healthy });
        return;
    }
  };
  const unsubscribe = kit.onEvent(listener);
  return () => {
    unsubscribe();
    meter.removeBatchObservableCallback(observe, observables);
    fetchSpan?.end();
    fetchSpan = undefined;
  };
}
