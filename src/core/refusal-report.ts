/**
 * The server-side half of a refusal: what the developer needs to fix a set-up
 * (the token's `iss`/`aud`/`exp`/`kid` beside what the kit expects) and the client
 * must never see. Rate-limited per reason, so a flood of forged tokens cannot fill logs.
 */
import type { AuthError, AuthErrorCode, AuthErrorStatus } from './errors.js';
import { decodeJSONSegment } from './decode.js';
import { REFUSAL_REASONS, type RefusalReason } from './refusal-reasons.js';

/** What the refused token said about itself (unverified; never the token, its signature, or `sub`). */
export interface RefusedTokenFacts {
  /** Header `alg`. */
  alg?: string;
  /** Header `typ`. */
  typ?: string;
  /** Header `kid`. */
  kid?: string;
  /** Claim `iss`. */
  iss?: string;
  /** Claim `aud`. */
  aud?: string | string[];
  /** Claim `client_id`: which application asked for the token. */
  clientId?: string;
  /** Claim `exp`, seconds since the epoch. */
  exp?: number;
  /** Claim `iat`, seconds since the epoch. */
  iat?: number;
  /** Claim `nbf`, seconds since the epoch. */
  nbf?: number;
  /** Claim `scope`, split. */
  scopes?: string[];
  /** Claim `organization_id`. */
  organizationId?: string;
}

/** One refusal as `onRefused` receives it. */
export interface RefusalReport {
  /** The check that refused. */
  reason: RefusalReason;
  /** The error code (its HTTP meaning is in the error table). */
  code: AuthErrorCode;
  /** HTTP status of the refusal. */
  status: AuthErrorStatus;
  /** What the client was told (`error_description`). */
  description: string;
  /** What to change (the request, the kit's options, or the Logto Console). */
  fix: string;
  /** What the token claimed, when a token was refused and it could be decoded. */
  token: RefusedTokenFacts | undefined;
  /** What the kit expects. */
  expected: {
    issuers: readonly string[];
    audiences: readonly string[];
    /** The kit's clock, seconds since the epoch (compare with `token.exp`). */
    now: number;
    /** Key ids of the current key set. */
    kids: readonly string[];
  };
  /** Refusals of this reason left unreported by the rate limit since the last report of it. */
  suppressed: number;
}

/** What {@link createRefusalReporter} needs. */
export interface RefusalReporterOptions {
  onRefused: (report: RefusalReport) => void;
  /** Reports per reason per minute; more are counted in the next report's `suppressed`. */
  perMinute: number;
  now: () => number;
  issuers: readonly string[];
  audiences: readonly string[];
  kids: () => readonly string[];
}

const WINDOW_MS = 60_000;
// Claims are attacker-chosen: bound what a forged token can put into a log line.
const MAX_STRING = 256;
const MAX_ITEMS = 10;

const text = (v: unknown): string | undefined => (typeof v === 'string' ? (v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v) : undefined);
const seconds = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function tokenFacts(token: string): RefusedTokenFacts | undefined {
  const [head, body] = token.split('.', 3);
  if (body === undefined) return undefined;
  const header = decodeJSONSegment(head ?? '');
  const payload = decodeJSONSegment(body);
  if (!header && !payload) return undefined;
  const h = header ?? {};
  const p = payload ?? {};
  const aud = Array.isArray(p.aud) ? p.aud.slice(0, MAX_ITEMS).map(text).filter((a): a is string => a !== undefined) : text(p.aud);
  const scopes = typeof p.scope === 'string' ? p.scope.split(' ').filter(Boolean).slice(0, 50).map((s) => text(s) as string) : undefined;
  const facts: RefusedTokenFacts = {
    alg: text(h.alg), typ: text(h.typ), kid: text(h.kid),
    iss: text(p.iss), aud, clientId: text(p.client_id),
    exp: seconds(p.exp), iat: seconds(p.iat), nbf: seconds(p.nbf),
    scopes, organizationId: text(p.organization_id),
  };
  for (const key of Object.keys(facts) as (keyof RefusedTokenFacts)[]) if (facts[key] === undefined) delete facts[key];
  return facts;
}

/**
 * A function that tells `onRefused` of a refusal, at most `perMinute` times per
 * reason per minute of the injected clock. The token is decoded only for a report
 * that is sent, so a flood costs a counter increment.
 *
 * @example
 * ```ts
 * const report = createRefusalReporter({ onRefused: (r) => log.info(r), perMinute: 10, now: Date.now, issuers, audiences, kids: () => [] })
 * report(error, token)
 * ```
 */
export function createRefusalReporter(options: RefusalReporterOptions): (error: AuthError, token?: string) => void {
  const windows = new Map<RefusalReason, { start: number; sent: number; suppressed: number }>();
  return (error, token) => {
    const nowMs = options.now();
    let window = windows.get(error.reason);
    if (window === undefined || nowMs - window.start >= WINDOW_MS) {
      window = { start: nowMs, sent: 0, suppressed: window?.suppressed ?? 0 };
      windows.set(error.reason, window);
    }
    if (window.sent >= options.perMinute) {
      window.suppressed++;
      return;
    }
    window.sent++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    const report: RefusalReport = {
      reason: error.reason,
      code: error.code,
      status: error.status,
      description: error.message,
      fix: REFUSAL_REASONS[error.reason].fix,
      token: token === undefined ? undefined : tokenFacts(token),
      expected: { issuers: options.issuers, audiences: options.audiences, now: nowMs / 1000, kids: options.kids() },
      suppressed,
    };
    try {
      options.onRefused(report);
    } catch {
      // A failing log hook must not turn a clean 401 into a 500.
    }
  };
}
