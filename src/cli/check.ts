import { isRefusalReason, REFUSAL_REASONS, type AuthErrorCode } from 'logto-authkit';

/** The outcome of one check the inspector ran. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/**
 * One line of the inspector's report: what was checked, how it went, and, on a
 * failure, what to change. Values are shown beside the expected ones because
 * the report is read on the developer's own machine, never sent to a client.
 */
export interface Check {
  /** Stable id of the check, e.g. `audience`. */
  id: string;
  status: CheckStatus;
  /** Short label, e.g. `token audience`. */
  title: string;
  /** What was found, in plain words. */
  detail: string;
  /** Machine reason of a failure or warning, e.g. `audience_mismatch` (a `RefusalReason` for a token's checks). */
  reason?: string;
  /** The error code the kit refuses with for `reason`, when it is one of the kit's refusal reasons. */
  code?: AuthErrorCode;
  /** What to change, in plain words. */
  fix?: string;
  /** The value found (a claim, a URL). */
  actual?: unknown;
  /** The value the kit expects. */
  expected?: unknown;
}

/** Builds a check; `undefined` members are left out so `--json` stays tidy. */
export function check(id: string, status: CheckStatus, title: string, detail: string, more: Partial<Pick<Check, 'reason' | 'fix' | 'actual' | 'expected'>> = {}): Check {
  const result: Check = { id, status, title, detail };
  const { reason } = more;
  Object.assign(result, reason === undefined ? {} : { reason, ...(isRefusalReason(reason) ? { code: REFUSAL_REASONS[reason].code } : {}) });
  for (const name of ['fix', 'actual', 'expected'] as const) if (more[name] !== undefined) Object.assign(result, { [name]: more[name] });
  return result;
}

/** A check that did not run because an earlier one failed. */
export const skipped = (id: string, title: string, why: string): Check => check(id, 'skip', title, `not checked: ${why}`);
