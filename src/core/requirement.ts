import { isPolicy, type Policy } from './policies.js';

/** A function naming the organization an operation addresses; each adapter decides what it receives. */
export type RequirementResolver = (...args: never[]) => unknown;

/**
 * A requirement validated by {@link parseRequirement}: what an operation
 * demands of its caller, read once at construction and frozen.
 */
export interface Requirement<TResolver extends RequirementResolver = RequirementResolver> {
  /** All of these scopes. */
  readonly scopes: readonly string[];
  /**
   * One of these sets, each in full (Apollo's `@requiresScopes` form: an OR of ANDs); empty when
   * `scopes` was a flat list or a single set. Applies together with `scopes` and `anyScopes`.
   */
  readonly scopeAlternatives: readonly (readonly string[])[];
  /** At least one of these scopes. */
  readonly anyScopes: readonly string[];
  /** Guests pass when nothing else is required. */
  readonly allowGuest: boolean;
  /** A rule from `definePolicy`; guests never pass it. */
  readonly policy: Policy<never, never> | undefined;
  /** The addressed organization: an id, or the adapter's resolver. */
  readonly organization: string | TResolver | undefined;
}

/** Who reads a requirement, and which forms of `organization` it takes. */
export interface ParseRequirementOptions {
  /** The package entry, for messages. @example 'logto-authkit/express' */
  entry: string;
  /** The function taking the requirement, for messages. @example 'requireAuth' */
  name: string;
  /** `'resolver'`: a function only (tRPC); `'id-or-resolver'`: an id or a function (Express, Next.js). @default 'id-or-resolver' */
  organization?: 'resolver' | 'id-or-resolver';
}

/**
 * The scopes an operation demands: all of a flat list (`['read:a', 'read:b']`), or one of several
 * lists, each in full (`[['read:a', 'read:b'], ['admin']]`: Apollo's `@requiresScopes` form).
 *
 * @example
 * ```ts
 * const scopes: ScopeRequirement = [['read:posts', 'read:users'], ['admin']] // (read:posts AND read:users) OR admin
 * ```
 */
export type ScopeRequirement = readonly string[] | readonly (readonly string[])[];

const KNOWN = new Set(['scopes', 'anyScopes', 'allowGuest', 'policy', 'organization']);

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The requirement keys the parser knows: `scopes`, `anyScopes`, `allowGuest`, `policy`, `organization`.
 *
 * @example
 * ```ts
 * const { kit, ...rest } = options; // split a requirement from an adapter's other options
 * REQUIREMENT_KEYS.has('scopes') // true
 * ```
 */
export const REQUIREMENT_KEYS: ReadonlySet<string> = KNOWN;

/**
 * Validate a requirement once, when the route or procedure is built, so a typo
 * or a wrongly typed option fails at start-up instead of on every request (or,
 * worse, opening a route). Every adapter parses through this one function.
 *
 * @throws TypeError naming the adapter and the option: an unknown option, `scopes` neither an
 * array of RFC 6749 scope names nor an array of non-empty such arrays, `anyScopes` not an array of scope names, `allowGuest` not a boolean, `policy`
 * not from `definePolicy`, `organization` of the wrong form, `organization` with `allowGuest`.
 * @example
 * ```ts
 * const requirement = parseRequirement({ scopes: ['write:posts'] }, { entry: 'logto-authkit/express', name: 'requireAuth' })
 * ```
 */
export function parseRequirement<TResolver extends RequirementResolver = RequirementResolver>(input: unknown, options: ParseRequirementOptions): Requirement<TResolver> {
  const { entry, name } = options;
  const fail = (message: string): never => {
    throw new TypeError(`${entry}: ${message}`);
  };
  if (input === undefined) input = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail(`${name} expects an options object`);
  const given = input as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!KNOWN.has(key)) fail(`unknown ${name} option "${key}"`);
  const scopeList = (key: 'anyScopes'): readonly string[] => {
    const value = given[key];
    if (value === undefined) return Object.freeze([]);
    if (!Array.isArray(value) || !value.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))) {
      return fail(`${name} option "${key}" must be an array of scope names without spaces, e.g. ['write:posts']`);
    }
    return Object.freeze([...new Set(value as string[])]);
  };
  const anyScopes = scopeList('anyScopes');
  const { scopes, scopeAlternatives } = scopeSets(given.scopes, name, fail);
  const { allowGuest, policy, organization } = given;
  if (allowGuest !== undefined && typeof allowGuest !== 'boolean') fail(`${name} option "allowGuest" must be a boolean`);
  if (policy !== undefined && !isPolicy(policy)) fail(`${name} option "policy" must be a Policy from definePolicy()`);
  if (options.organization === 'resolver') {
    if (organization !== undefined && typeof organization !== 'function') fail(`${name} option "organization" must be a function ({ input, ctx }) => organization id`);
  } else if (organization !== undefined && typeof organization !== 'function' && (typeof organization !== 'string' || organization === '')) {
    fail(`${name} option "organization" must be an organization id or a function reading it from the request`);
  }
  // A guest belongs to no organization: the combination reads as "guests welcome" and only ever refuses them.
  if (organization !== undefined && allowGuest === true) fail(`${name} options "organization" and "allowGuest" exclude each other`);
  return Object.freeze({
    scopes,
    scopeAlternatives,
    anyScopes,
    allowGuest: allowGuest === true,
    policy: policy as Policy<never, never> | undefined,
    organization: organization as string | TResolver | undefined,
  });
}

const isScopeName = (scope: unknown): scope is string => typeof scope === 'string' && SCOPE_TOKEN.test(scope);

// `scopes` is a flat list (all of) or a list of lists (one list in full). A mix of both has no reading
// that is not a guess, and an empty inner list would admit every caller: both are refused.
function scopeSets(value: unknown, name: string, fail: (message: string) => never): Pick<Requirement, 'scopes' | 'scopeAlternatives'> {
  const none = Object.freeze([]);
  if (value === undefined) return { scopes: none, scopeAlternatives: none };
  const expected = `${name} option "scopes" must be an array of scope names without spaces, e.g. ['write:posts'], or an array of such arrays (one of them in full), e.g. [['read:a', 'read:b'], ['admin']]`;
  if (!Array.isArray(value)) return fail(expected);
  if (value.every(isScopeName)) return { scopes: Object.freeze([...new Set(value)]), scopeAlternatives: none };
  if (!value.every((set): set is string[] => Array.isArray(set) && set.every(isScopeName))) return fail(expected);
  if (value.some((set) => set.length === 0)) fail(`${name} option "scopes" has an empty set of scopes, which would admit any caller; drop it or name a scope`);
  const sets = value.map((set) => Object.freeze([...new Set(set)]));
  // A single set is a flat list: one reading, one error message, one `scope=` value.
  if (sets.length === 1) return { scopes: sets[0] as readonly string[], scopeAlternatives: none };
  return { scopes: none, scopeAlternatives: Object.freeze(sets) };
}
