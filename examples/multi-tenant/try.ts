/**
 * The three requests the example's README walks through, as code: one that
 * succeeds, one from another organization's token, one lacking an
 * organization scope. `server.ts --self-test` prints them; the test checks them.
 */
import type { TestIssuer } from 'logto-authkit/testing';

/** Tokens shaped like Logto's for an API resource requested with `organization_id`. */
export interface DemoTokens {
  /** alice, admin of acme: `read:members read:projects write:projects`. */
  aliceAtAcme: string;
  /** bob, viewer of acme: `read:members read:projects`. */
  bobAtAcme: string;
  /** carol, admin of globex. */
  carolAtGlobex: string;
}

const ADMIN = 'read:members read:projects write:projects';
const VIEWER = 'read:members read:projects';

/**
 * Mint the demo tokens. Logto grants the scopes of the user's organization
 * roles and sets `organization_id` only when the token request names the organization.
 *
 * @example
 * ```ts
 * const tokens = await mintDemoTokens(await createTestIssuer())
 * ```
 */
export async function mintDemoTokens(issuer: TestIssuer): Promise<DemoTokens> {
  const [aliceAtAcme, bobAtAcme, carolAtGlobex] = await Promise.all([
    issuer.mintToken({ sub: 'alice', organization_id: 'acme', scope: ADMIN }),
    issuer.mintToken({ sub: 'bob', organization_id: 'acme', scope: VIEWER }),
    issuer.mintToken({ sub: 'carol', organization_id: 'globex', scope: ADMIN }),
  ]);
  return { aliceAtAcme, bobAtAcme, carolAtGlobex };
}

/** What one request got back. */
export interface TryOutcome {
  label: string;
  status: number;
  /** The AuthError code (`organization_mismatch`, `insufficient_scope`), or `undefined` on success. */
  reason: string | undefined;
  /** The result data, or the error message. */
  detail: unknown;
}

interface TRPCBody {
  result?: { data?: unknown };
  error?: { message?: string; data?: { reason?: string } };
}

/** One tRPC call over plain HTTP, as the README's curl commands make it. */
async function call(url: string, token: string, path: string, input: unknown, kind: 'query' | 'mutation'): Promise<{ status: number; body: TRPCBody }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const response =
    kind === 'query'
      ? await fetch(`${url}/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(`${url}/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
  return { status: response.status, body: (await response.json()) as TRPCBody };
}

/**
 * Send the three requests to a running example.
 *
 * @example
 * ```ts
 * for (const o of await tryRequests(example.url, tokens)) console.log(o.status, o.reason)
 * ```
 */
export async function tryRequests(url: string, tokens: DemoTokens): Promise<TryOutcome[]> {
  const requests = [
    ['alice (acme admin) creates a project in acme', tokens.aliceAtAcme, 'organizations.projects.create', { orgId: 'acme', name: 'Rocket' }, 'mutation'],
    ["carol's globex token lists acme's members", tokens.carolAtGlobex, 'organizations.members.list', { orgId: 'acme' }, 'query'],
    ['bob (acme viewer) creates a project in acme', tokens.bobAtAcme, 'organizations.projects.create', { orgId: 'acme', name: 'Rocket' }, 'mutation'],
  ] as const;
  const outcomes: TryOutcome[] = [];
  for (const [label, token, path, input, kind] of requests) {
    const { status, body } = await call(url, token, path, input, kind);
    outcomes.push({ label, status, reason: body.error?.data?.reason, detail: body.error ? body.error.message : body.result?.data });
  }
  return outcomes;
}

/**
 * One line per outcome, for the console.
 *
 * @example
 * ```ts
 * console.log(formatOutcome(outcome)) // "403 organization_mismatch  carol's globex token … — token belongs to another organization"
 * ```
 */
export function formatOutcome(outcome: TryOutcome): string {
  const detail = typeof outcome.detail === 'string' ? outcome.detail : JSON.stringify(outcome.detail);
  return `${outcome.status} ${outcome.reason ?? 'ok'}  ${outcome.label} — ${detail}`;
}
