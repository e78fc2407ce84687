// Plain checks for the kit's options. A schema library would cost an edge bundle
// ten times the rest of the kit (docs/architecture.md "Packaging"); these few rules
// are all the options need, and each problem names the option it is about.

/** A problem found in one value: where below the option (`.1`, `.maxBytes`), and what is wrong. */
export interface OptionProblem {
  path: string;
  message: string;
}

/** A rule for one value; `undefined` when it is acceptable. */
export type OptionRule = (value: unknown) => OptionProblem | undefined;

const problem = (message: string, path = ''): OptionProblem => ({ path, message });

/** Any value accepted by `accept`, else `message`. */
export const satisfies =
  (accept: (value: unknown) => boolean, message: string): OptionRule =>
  (value) =>
    accept(value) ? undefined : problem(message);

/** The first of `checks` to complain, or none. */
export const allOf =
  (...rules: OptionRule[]): OptionRule =>
  (value) => {
    for (const check of rules) {
      const found = check(value);
      if (found) return found;
    }
    return undefined;
  };

export const isString = satisfies((v) => typeof v === 'string', 'must be a string');
export const isBoolean = satisfies((v) => typeof v === 'boolean', 'must be a boolean');
export const isFunction = satisfies((v) => typeof v === 'function', 'must be a function');

/** A string matching `pattern`. */
export const matches = (pattern: RegExp, message: string): OptionRule => allOf(isString, satisfies((v) => pattern.test(v as string), message));

/** An absolute `http:` or `https:` URL. */
export const httpUrl: OptionRule = satisfies((v) => {
  if (typeof v !== 'string' || !URL.canParse(v)) return false;
  const { protocol } = new URL(v);
  return protocol === 'http:' || protocol === 'https:';
}, 'must be an http(s) URL');

/** A finite number within the bounds, an integer when `integer`. */
export function numberIn(bounds: { min?: number; above?: number; max?: number; integer?: boolean; maxMessage?: string }): OptionRule {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem('must be a finite number');
    if (bounds.integer && !Number.isInteger(value)) return problem('must be an integer');
    if (bounds.min !== undefined && value < bounds.min) return problem('must not be negative');
    if (bounds.above !== undefined && value <= bounds.above) return problem('must be positive');
    if (bounds.max !== undefined && value > bounds.max) return problem(bounds.maxMessage ?? `must be at most ${bounds.max}`);
    return undefined;
  };
}

/** An array whose every item passes `item` (non-empty when `emptyMessage` is given); a problem names the item's index. */
export function listOf(item: OptionRule, emptyMessage?: string): OptionRule {
  return (value) => {
    if (!Array.isArray(value)) return problem('must be a list');
    if (value.length === 0 && emptyMessage !== undefined) return problem(emptyMessage);
    for (const [index, entry] of value.entries()) {
      const found = item(entry);
      if (found) return problem(found.message, `.${index}${found.path}`);
    }
    return undefined;
  };
}

/** One value passing `item`, or a non-empty list of them. */
export const oneOrMany = (item: OptionRule): OptionRule => (value) => (Array.isArray(value) ? listOf(item, 'must not be an empty list')(value) : item(value));

/** A plain object with only the keys of `shape`, each optional and checked by its rule. */
export function exactObject(shape: Readonly<Record<string, OptionRule>>): OptionRule {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem('must be an object');
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !Object.hasOwn(shape, key));
    if (unknown.length > 0) return problem(`has unknown key(s) ${unknown.join(', ')}`);
    for (const [key, check] of Object.entries(shape)) {
      if (record[key] === undefined) continue;
      const found = check(record[key]);
      if (found) return problem(found.message, `.${key}${found.path}`);
    }
    return undefined;
  };
}

/** `false`, or a value passing `check` (the options that can be switched off). */
export const falseOr = (check: OptionRule): OptionRule => (value) => (value === false ? undefined : check(value));

/**
 * Every problem of `input` against `rules`, as "option "x.y" message" texts: unknown
 * keys first, then each given option in the order of `rules`.
 *
 * @example
 * ```ts
 * optionProblems({ jwksTimeout: 0 }, { jwksTimeout: numberIn({ above: 0 }) }) // ['option "jwksTimeout" must be positive']
 * ```
 */
export function optionProblems(input: Readonly<Record<string, unknown>>, rules: Readonly<Record<string, OptionRule>>): string[] {
  const problems: string[] = [];
  const unknown = Object.keys(input).filter((key) => !Object.hasOwn(rules, key));
  if (unknown.length > 0) problems.push(`unknown option(s) ${unknown.join(', ')}`);
  for (const [key, check] of Object.entries(rules)) {
    if (input[key] === undefined) continue;
    const found = check(input[key]);
    if (found) problems.push(`option "${key}${found.path}" ${found.message}`);
  }
  return problems;
}
