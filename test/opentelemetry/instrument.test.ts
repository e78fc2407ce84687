import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, createAuthKit, type AuthKit, type AuthKitEvent, type AuthKitOptions } from 'logto-authkit';
import { instrumentAuthKit } from 'logto-authkit/opentelemetry';
import { createRedisRevocationStore } from 'logto-authkit/redis';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';
import { json, manualClock, startJWKSServer, type JWKSTestServer } from '../helpers/jwks-test-server.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.js';

// The SDK's own context managers live in a package this repo does not install; this one is the
// same AsyncLocalStorage design, so the request span is active while the kit verifies.
class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active = (): Context => this.storage.getStore() ?? ROOT_CONTEXT;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable = (): this => this;
  disable = (): this => (this.storage.disable(), this);
}

let issuer: TestIssuer;
let jwksServer: JWKSTestServer;
let metricExporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const clock = manualClock();
const cleanup: (() => unknown)[] = [];

/** Every data point of `name` in the last export, after a flush. */
async function points(name: string): Promise<DataPoint<unknown>[]> {
  await reader.forceFlush();
  const last = metricExporter.getMetrics().at(-1);
  const metric = last?.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
}
const valueOf = (list: DataPoint<unknown>[], attributes: Record<string, unknown>): unknown => list.find((p) => JSON.stringify(p.attributes) === JSON.stringify(attributes))?.value;
const refusal = (promise: Promise<unknown>): Promise<AuthError> =>
  promise.then(
    () => expect.unreachable('was accepted'),
    (error: unknown) => (error instanceof AuthError ? error : Promise.reject(error)),
  );
function instrumented(extra: Partial<AuthKitOptions> = {}): AuthKit {
  // The JWKS server is on its own port so the test can take it down; that is the origin warning's case.
  const kit = createAuthKit({ issuer: issuer.issuer, jwksUrl: jwksServer.url, audience: issuer.audience, now: clock.now, onWarning: () => undefined, ...extra });
  const stop = instrumentAuthKit(kit, { meterProvider, tracerProvider });
  cleanup.push(() => stop(), () => kit.close());
  return kit;
}
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  issuer = await createTestIssuer({ now: clock.now });
  jwksServer = await startJWKSServer(json(issuer.jwks()));
});
beforeEach(() => {
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
  spans.reset();
  jwksServer.respond(json(issuer.jwks()));
});
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
  await meterProvider.shutdown();
});
afterAll(async () => {
  await tracerProvider.shutdown();
  context.disable();
  await jwksServer.close();
  await issuer.close();
});

describe('instrumentAuthKit with the real OpenTelemetry SDK (in-memory exporters)', () => {
  it('counts verifications by outcome, code and cache hit, and adds them as events to the request span', async () => {
    const kit = instrumented();
    const token = await issuer.mintToken({ sub: 'user-1' });
    const other = await issuer.mintToken({ sub: 'user-2', aud: 'https://other.example' });
    const requestTracer = tracerProvider.getTracer('test');
    await requestTracer.startActiveSpan('GET /posts', async (span) => {
      await kit.verifyToken(token);
      await kit.verifyToken(token);
      await refusal(kit.verifyToken(other));
      span.end();
    });

    const verifications = await points('logto_authkit.verifications');
    expect(valueOf(verifications, { 'logto_authkit.verification.outcome': 'authenticated', 'logto_authkit.cache_hit': false })).toBe(1);
    expect(valueOf(verifications, { 'logto_authkit.verification.outcome': 'authenticated', 'logto_authkit.cache_hit': true })).toBe(1);
    expect(valueOf(verifications, { 'logto_authkit.verification.outcome': 'refused', 'logto_authkit.cache_hit': false, 'error.type': 'invalid_audience', 'logto_authkit.refusal.reason': 'audience_mismatch' })).toBe(1);
    expect(verifications).toHaveLength(3);
    expect(valueOf(await points('logto_authkit.token_cache.entries'), {})).toBe(1);
    expect(valueOf(await points('logto_authkit.jwks.age'), {})).toBe(0);

    const request = spans.getFinishedSpans().find((s) => s.name === 'GET /posts');
    expect(request?.events.map((e) => [e.name, e.attributes?.['error.type']])).toEqual([
      ['logto_authkit.verification', undefined],
      ['logto_authkit.verification', undefined],
      ['logto_authkit.verification', 'invalid_audience'],
    ]);
    // Nothing exported names the tokens or their subjects.
    const exported = JSON.stringify([metricExporter.getMetrics(), spans.getFinishedSpans().map((s) => [s.name, s.attributes, s.events])]);
    for (const secret of [token, other, 'user-1', 'user-2']) expect(exported).not.toContain(secret);
  });

  it('a JWKS outage: a failed fetch span and duration with error.type, stale keys served, a refused refetch, then recovery', async () => {
    const kit = instrumented();
    await kit.verifyToken(await issuer.mintToken());
    clock.advance(360_000);
    jwksServer.respond((_req, res) => {
      res.writeHead(503).end();
    });
    await kit.verifyToken(await issuer.mintToken());
    await until(() => kit.jwks.state.status === 'cooling_down');
    await issuer.rotateKeys();
    expect((await refusal(kit.verifyToken(await issuer.mintToken()))).code).toBe('jwks_unavailable');

    const fetches = spans.getFinishedSpans().filter((s) => s.name === 'logto_authkit.jwks.fetch');
    expect(fetches.map((s) => [s.status.code, s.attributes['error.type'], s.attributes['url.full']])).toEqual([
      [SpanStatusCode.UNSET, undefined, jwksServer.url],
      [SpanStatusCode.ERROR, 'status', jwksServer.url],
    ]);
    const durations = (await points('logto_authkit.jwks.fetch.duration')) as DataPoint<Histogram>[];
    expect(durations.map((p) => [p.attributes['error.type'], p.value.count])).toEqual([
      [undefined, 1],
      ['status', 1],
    ]);
    expect(valueOf(await points('logto_authkit.jwks.stale_served'), {})).toBe(2);
    expect(valueOf(await points('logto_authkit.jwks.refetches_refused'), { 'logto_authkit.jwks.refusal.cause': 'cooldown' })).toBe(1);
    expect(valueOf(await points('logto_authkit.jwks.age'), {})).toBe(360);
    expect(valueOf(await points('logto_authkit.verifications'), { 'logto_authkit.verification.outcome': 'refused', 'logto_authkit.cache_hit': false, 'error.type': 'jwks_unavailable', 'logto_authkit.refusal.reason': 'jwks_unavailable' })).toBe(1);

    // Logto is back and has rotated: after the cooldown the new kid brings the new set.
    jwksServer.respond(json(issuer.jwks()));
    clock.advance(30_000);
    await kit.verifyToken(await issuer.mintToken());
    expect(valueOf(await points('logto_authkit.jwks.keys_changed'), {})).toBe(2);
    expect(valueOf(await points('logto_authkit.jwks.age'), {})).toBe(0);
  });

  it('stops recording when told to', async () => {
    const kit = instrumented();
    const stop = instrumentAuthKit(kit, { meterProvider, tracerProvider });
    stop();
    await kit.verifyToken(await issuer.mintToken());
    // The first instrumentation still counts once; the stopped one adds nothing.
    expect(valueOf(await points('logto_authkit.verifications'), { 'logto_authkit.verification.outcome': 'authenticated', 'logto_authkit.cache_hit': false })).toBe(1);
    expect(() => instrumentAuthKit({} as never)).toThrow(TypeError);
  });
});

describe.skipIf(redisServerMissing())('instrumentAuthKit with the Redis revocation store (real redis-server)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('counts revocations and tells the store going down and coming back, as events, a counter and a gauge', async () => {
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: 50, connectTimeout: 1_000 } });
    client.on('error', () => undefined);
    await client.connect();
    cleanup.push(() => client.destroy());
    const store = createRedisRevocationStore({ client, onError: () => undefined, retryDelay: 50 });
    cleanup.push(() => store.close());
    await store.ready;
    const kit = instrumented({ revocation: store, now: Date.now });
    const events: AuthKitEvent[] = [];
    kit.onEvent((event) => events.push(event));

    await kit.revoke({ sub: 'user-7' });
    expect(events).toEqual([{ type: 'revocation.applied', iss: issuer.issuer, sub: 'user-7', before: expect.any(Number) }]);
    expect(valueOf(await points('logto_authkit.revocations'), {})).toBe(1);
    expect(valueOf(await points('logto_authkit.revocation.store.healthy'), {})).toBe(1);

    await redis.stop();
    await until(() => events.some((e) => e.type === 'revocation.health_changed'));
    expect(kit.stats().revocation).toEqual({ healthy: false, applied: 1 });
    expect(valueOf(await points('logto_authkit.revocation.store.healthy'), {})).toBe(0);

    await redis.start();
    await until(() => store.healthy);
    expect(events.filter((e) => e.type === 'revocation.health_changed')).toEqual([
      { type: 'revocation.health_changed', healthy: false },
      { type: 'revocation.health_changed', healthy: true },
    ]);
    const changes = await points('logto_authkit.revocation.store.health_changes');
    expect(valueOf(changes, { 'logto_authkit.revocation.store.healthy': false })).toBe(1);
    expect(valueOf(changes, { 'logto_authkit.revocation.store.healthy': true })).toBe(1);
    expect(valueOf(await points('logto_authkit.revocation.store.healthy'), {})).toBe(1);
    // The subject is in the event (for an audit log), never in a metric.
    expect(JSON.stringify(metricExporter.getMetrics())).not.toContain('user-7');
  });
});
