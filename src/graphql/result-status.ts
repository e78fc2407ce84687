import { GraphQLError, type ExecutionResult } from 'graphql';
import { findAuthGraphQLError, type AuthGraphQLError } from './errors.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Every requested root field was refused (and nothing else went wrong). */
function allDenied(result: ExecutionResult, errors: readonly GraphQLError[], denials: readonly (AuthGraphQLError | undefined)[]): boolean {
  if (denials.some((denial) => denial === undefined)) return false;
  if (result.data === null || result.data === undefined) return true;
  // The reported error's path: a denial raised without one (e.g. by a Pothos scope loader) was located by graphql-js.
  const deniedRoots = new Set(errors.map((error, i) => (error.path ?? denials[i]?.path)?.[0]));
  return Object.entries(result.data).every(([key, value]) => value === null && deniedRoots.has(key));
}

function withoutStatus(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions,
  });
}

/**
 * Give an HTTP result the status the GraphQL-over-HTTP rules call for:
 * when every root field was refused, 401/403/503 (the highest, as Yoga ranks
 * them) with the RFC 6750 challenge; when some field succeeded, 200 — so the
 * refused fields' own `http.status` is dropped, else Yoga would answer 401 for
 * a response that carries data. Results without refusals are returned as they are.
 *
 * @example
 * ```ts
 * onResultProcess: ({ result, setResult }) => { if (!isAsyncIterable(result)) setResult(adjustHTTPStatus(result)) }
 * ```
 */
export function adjustHTTPStatus(result: ExecutionResult): ExecutionResult {
  // Most results carry no error at all: nothing to look through.
  if (!result.errors || result.errors.length === 0) return result;
  const errors = result.errors;
  const denials = errors.map(findAuthGraphQLError);
  if (!denials.some(Boolean)) return result;
  if (allDenied(result, errors, denials)) {
    let worst: AuthGraphQLError | undefined;
    for (const denial of denials) if (denial && (!worst || denial.authError.status > worst.authError.status)) worst = denial;
    if (!worst) return result;
    const { wwwAuthenticate: challenge, retryAfter } = worst.authError;
    const headers: Record<string, string> = {};
    if (challenge) headers['WWW-Authenticate'] = challenge;
    // RFC 9110 §10.2.3: an outage that says when it may end (the key store's refetch budget).
    if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
    const extensions = isObject(result.extensions) ? result.extensions : {};
    return { ...result, extensions: { ...extensions, http: { status: worst.authError.status, headers } } };
  }
  return { ...result, errors: errors.map((error, i) => (denials[i] ? withoutStatus(error) : error)) };
}
