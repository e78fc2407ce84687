/**
 * A request's auth context: its token candidates (tokenSources order) tried one after the other
 * through the verifier, then a guest or anonymous context when none is accepted. Synchronous
 * until a candidate needs waiting for, so a cached token is answered in the same tick.
 */
import type { AuthContext } from './context.js';
import type { NormalizedOptions } from './options.js';
import { anonymousContext, guestContext } from './build-context.js';
import { csrfError } from './csrf.js';
import { AuthError, isAuthError } from './errors.js';
import { extractTokens, type TokenCandidate } from './extract.js';
import { resolveGuestId } from './guest.js';
import type { KitTelemetry } from './kit-stats.js';
import { markResourceMetadata, marking } from './resource-challenge.js';
import { toRequestView, type AuthInput, type RequestView } from './request.js';
import type { Outcome } from './verifier.js';

/** What {@link createRequestAuthenticator} needs of its kit. */
export interface RequestAuthenticatorParts<TClaims> {
  options: NormalizedOptions<TClaims>;
  telemetry: Pick<KitTelemetry, 'verified'>;
  /** Told of refusals decided here (a malformed header, a cross-site cookie), when `onRefused` is set. */
  report: ((error: AuthError) => void) | undefined;
  /** The kit's token check (the verifier, with refusals reported). */
  check: (token: string) => Outcome<TClaims> | Promise<Outcome<TClaims>>;
}

const missing = (): AuthError => new AuthError('missing_token', 'no access token was presented');

/**
 * Build `kit.authenticate`: the context itself when answered in this tick, else a promise of it.
 *
 * @example
 * ```ts
 * const authenticate = createRequestAuthenticator({ options, telemetry, report: undefined, check })
 * const auth = authenticate(request)
 * ```
 */
export function createRequestAuthenticator<TClaims>({ options, telemetry, report, check }: RequestAuthenticatorParts<TClaims>): (request: AuthInput) => AuthContext<TClaims> | Promise<AuthContext<TClaims>> {
  const headerFirst = options.tokenSources[0] === 'header';
  const settle = (view: RequestView, malformed: AuthError | undefined, firstError: AuthError | undefined, outage: AuthError | undefined): AuthContext<TClaims> => {
    // A malformed Authorization header is the client's mistake to hear of; no token at all is not.
    if (malformed) report?.(malformed);
    const error = outage ?? firstError ?? malformed;
    if (options.allowGuest) return guestContext(resolveGuestId(view, options.guestCookieName), error);
    return anonymousContext(error ?? missing());
  };
  // Candidates are tried in order; the loop stays synchronous (and allocates no closure) until one
  // needs waiting for. The reported error is the first presented token's, in tokenSources order;
  // an outage wins over it, since it must not read as "your token is bad" (clients sign users out on that).
  const tryCandidates = (
    view: RequestView,
    candidates: readonly TokenCandidate[],
    malformed: AuthError | undefined,
    start: number,
    firstError: AuthError | undefined,
    outage: AuthError | undefined,
  ): AuthContext<TClaims> | Promise<AuthContext<TClaims>> => {
    for (let i = start; i < candidates.length; i++) {
      const { token, source } = candidates[i] as TokenCandidate;
      const refusedCsrf = source === 'cookie' ? csrfError(view, options.csrf) : undefined;
      let outcome: Outcome<TClaims> | Promise<Outcome<TClaims>>;
      if (refusedCsrf) {
        telemetry.verified(false, refusedCsrf);
        report?.(refusedCsrf);
        outcome = refusedCsrf;
      } else {
        outcome = check(token);
      }
      if (outcome instanceof Promise) {
        const [first, down] = [firstError, outage];
        return outcome.then((settled) =>
          isAuthError(settled) ? tryCandidates(view, candidates, malformed, i + 1, first ?? settled, down ?? (settled.status === 503 ? settled : undefined)) : settled,
        );
      }
      if (!isAuthError(outcome)) return outcome;
      firstError ??= outcome;
      if (outcome.status === 503) outage ??= outcome;
    }
    return settle(view, malformed, firstError, outage);
  };
  const authenticateUnmarked = (request: AuthInput): AuthContext<TClaims> | Promise<AuthContext<TClaims>> => {
    const view = toRequestView(request);
    const { candidates, malformed } = extractTokens(view, options);
    if (malformed) telemetry.verified(false, malformed);
    return tryCandidates(view, candidates, malformed, 0, headerFirst ? malformed : undefined, undefined);
  };
  // RFC 9728 §5.1: what the kit hands out carries its metadata URL, for every challenge built from it.
  const url = options.resourceMetadataUrl;
  if (url === undefined) return authenticateUnmarked;
  const marked = (auth: AuthContext<TClaims>): AuthContext<TClaims> => {
    markResourceMetadata(auth.error, url);
    return markResourceMetadata(auth, url);
  };
  const markingAsync = marking(url, (auth: Promise<AuthContext<TClaims>>) => auth);
  return (request) => {
    try {
      const auth = authenticateUnmarked(request);
      return auth instanceof Promise ? markingAsync(auth) : marked(auth);
    } catch (error) {
      throw markResourceMetadata(error, url);
    }
  };
}

/**
 * Hand a request's context to callback-style middleware (Express, Fastify hooks): in the same
 * tick when `kit.authenticate` answered in it, else when its promise settles. `fail` hears only
 * programming errors (an input that is not a request); authentication failures are contexts.
 *
 * @example
 * ```ts
 * app.use((req, res, next) => whenAuthenticated(kit, req, (auth) => { req.auth = auth; next() }, next))
 * ```
 */
export function whenAuthenticated<TClaims>(
  kit: { authenticate(input: AuthInput): AuthContext<TClaims> | Promise<AuthContext<TClaims>> },
  input: AuthInput,
  done: (auth: AuthContext<TClaims>) => void,
  fail: (error: unknown) => void,
): void {
  let auth: AuthContext<TClaims> | Promise<AuthContext<TClaims>>;
  try {
    auth = kit.authenticate(input);
  } catch (error) {
    fail(error);
    return;
  }
  if (auth instanceof Promise) auth.then(done, fail);
  else done(auth);
}
