/**
 * A bounded soak: steady load on a real tRPC server (its own process) with a
 * mix of valid, expired, forged and guest requests. The server's heap after
 * `gc()` must stay flat (within 10 %) and no answer may be a 5xx but the one
 * the design calls for: a token whose unknown `kid` could not be looked up
 * because the refetch budget is spent is a 503 with `Retry-After` (it may be
 * signed by a key Logto just rotated to), never a 401.
 * 60 s by default; `SOAK_SECONDS=600 npx vitest run test/soak` for longer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '../../src/testing/index.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
// Long enough for the JIT and the token cache (200 valid tokens) to settle before the first measurement.
const WARMUP_SECONDS = Math.max(10, Math.round(SECONDS * 0.2));
const CONNECTIONS = 8;
const SLICES = 6;
const SERVER = fileURLToPath(new URL('./soak-server.ts', import.meta.url));

type Kind = 'valid' | 'expired' | 'forged' | 'unknown-kid' | 'guest' | 'anonymous-on-protected';
const EXPECTED: Record<Kind, readonly number[]> = { valid: [200], expired: [401], forged: [401], 'unknown-kid': [401, 503], guest: [200], 'anonymous-on-protected': [401] };

let issuer: TestIssuer;
let child: ChildProcess;
let base = '';
let valid: string[] = [];
let expired: string[] = [];
let knownKid = '';

beforeAll(async () => {
  issuer = await createTestIssuer();
  valid = await Promise.all(Array.from({ length: 200 }, (_, i) => issuer.mintToken({ sub: `user-${i}`, scope: 'read:posts' })));
  expired = await Promise.all(Array.from({ length: 50 }, () => issuer.mintToken({}, { now: Date.now() - 7_200_000 })));
  knownKid = (JSON.parse(Buffer.from((valid[0] as string).split('.')[0] as string, 'base64url').toString()) as { kid: string }).kid;
  child = fork(SERVER, [issuer.logtoUrl, issuer.audience], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`soak server exited with ${code}`)));
  });
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  child?.kill();
  await issuer?.close();
});

/** Plausible claims and a random signature, under the issuer's own kid or a random one. */
function forged(kid: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'ES384', typ: 'at+jwt', kid })}.${b64({ sub: 'admin', iss: issuer.issuer, aud: issuer.audience, iat: now, exp: now + 3600 })}.${randomBytes(96).toString('base64url')}`;
}

function pick(i: number): { kind: Kind; path: string; token?: string } {
  const n = i % 20;
  if (n < 12) return { kind: 'valid', path: '/me', token: valid[i % valid.length] };
  if (n < 14) return { kind: 'expired', path: '/me', token: expired[i % expired.length] };
  if (n < 16) return { kind: 'forged', path: '/me', token: forged(knownKid) };
  if (n < 17) return { kind: 'unknown-kid', path: '/me', token: forged(randomBytes(16).toString('hex')) };
  if (n < 19) return { kind: 'guest', path: '/hello' };
  return { kind: 'anonymous-on-protected', path: '/me' };
}

async function heap(): Promise<number> {
  const response = await fetch(`${base}/__heap`);
  return ((await response.json()) as { heapUsed: number }).heapUsed;
}

/** Load until `until`; counts answers by kind and status. */
async function load(until: number, tally: Map<string, number>, start: { i: number }): Promise<void> {
  const worker = async () => {
    while (Date.now() < until) {
      const { kind, path, token } = pick(start.i++);
      const response = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      await response.arrayBuffer();
      // A 503 must be the budget's answer: jwks_unavailable with Retry-After, nothing else.
      const retryable = response.status === 503 && response.headers.get('retry-after') !== null;
      const key = `${kind} ${response.status}${response.status === 503 && !retryable ? ' without-retry-after' : ''}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
}

describe('soak', () => {
  it(`${SECONDS} s of mixed traffic on tRPC + authkit: flat heap, no 5xx`, { timeout: (SECONDS + WARMUP_SECONDS) * 1000 + 60_000 }, async () => {
    const counter = { i: 0 };
    const warmup = new Map<string, number>();
    await load(Date.now() + WARMUP_SECONDS * 1000, warmup, counter);
    const before = await heap();
    const tally = new Map<string, number>();
    const samples = [before];
    const end = Date.now() + SECONDS * 1000;
    for (let slice = 1; slice <= SLICES; slice++) {
      await load(Math.min(end, Date.now() + (SECONDS * 1000) / SLICES), tally, counter);
      samples.push(await heap());
    }
    // A settled heap still varies by ±2 MB from one read to the next (old-space pages, code flushing);
    // a leak raises the floor, so the lowest reads of each half are compared.
    const floorBefore = Math.min(...samples.slice(0, 3));
    const floorAfter = Math.min(...samples.slice(-3));
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.info(`soak: ${total} requests in ${SECONDS} s (${Math.round(total / SECONDS)}/s); heap ${samples.map(mb).join(' → ')} MB, lowest ${mb(floorBefore)} MB in the first half and ${mb(floorAfter)} MB in the second (${(((floorAfter - floorBefore) / floorBefore) * 100).toFixed(1)} %); ${JSON.stringify(Object.fromEntries(tally))}`);

    for (const [key, count] of tally) {
      const [kind, status] = key.split(' ') as [Kind, string];
      expect({ key, allowed: EXPECTED[kind].includes(Number(status)) }).toEqual({ key, allowed: true });
    }
    expect([...tally.keys()].filter((key) => /\s5\d\d/.test(key) && key !== 'unknown-kid 503')).toEqual([]);
    expect(tally.get('forged 401') ?? 0).toBeGreaterThan(0);
    expect(tally.get('valid 200') ?? 0).toBeGreaterThan(SECONDS * 10);
    expect(floorAfter).toBeLessThanOrEqual(floorBefore * 1.1);
  });
});
