import { base64url } from 'jose';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Node's Buffer decodes base64url natively, several times faster than jose's
// portable decoder; it is looked up, not imported, so edge runtimes (no
// Buffer) keep the portable path. The segment's alphabet is already checked.
interface NodeBuffer {
  from(input: string, encoding: 'base64url'): Uint8Array;
}
const NodeBufferImpl = (globalThis as { Buffer?: NodeBuffer }).Buffer;
// `undefined` for a length no base64url text can have; a thrown TypeError would capture a stack
// per garbage token of a flood.
const decodeBase64url: (segment: string) => Uint8Array | undefined = NodeBufferImpl
  ? // Buffer ignores a trailing partial quantum that atob refuses (length % 4 === 1).
    (segment) => (segment.length % 4 === 1 ? undefined : NodeBufferImpl.from(segment, 'base64url'))
  : (segment) => (segment.length % 4 === 1 ? undefined : base64url.decode(segment));
// RFC 8259 §2: insignificant whitespace.
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Decode one base64url segment of a compact JWS into a JSON object, or
 * `undefined` when it is not one. Refuses invalid UTF-8 and duplicate member
 * names: RFC 7515 §5.2 step 4 lets a parser reject them, and two parsers that
 * disagree on which duplicate wins are how claim-smuggling attacks work.
 *
 * @example
 * ```ts
 * decodeJSONSegment('eyJhbGciOiJFUzM4NCJ9') // { alg: 'ES384' }
 * ```
 */
export function decodeJSONSegment(segment: string): Record<string, unknown> | undefined {
  let text: string;
  let value: unknown;
  try {
    const bytes = decodeBase64url(segment);
    if (bytes === undefined) return undefined;
    // Only an object can be a JOSE header or claims set: refusing anything else
    // before decoding spares building a TypeError or SyntaxError (and its
    // stack) for every garbage token of a flood.
    let first = 0;
    while (first < bytes.length && JSON_SPACE.has(bytes[first] as number)) first++;
    if (bytes[first] !== 0x7b /* { */) return undefined;
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return hasDuplicateKeys(text, value) ? undefined : (value as Record<string, unknown>);
}

/**
 * Whether any object in already-valid JSON text names a member twice. Outside strings, valid JSON
 * has exactly one `:` per object member, and `JSON.parse` keeps one property per distinct name
 * (the last duplicate wins, `"\u0061"` and `"a"` being one name): the text names a member twice
 * exactly when it has more colons than the parsed tree has properties. Counting both needs no set
 * of names and no key string per member.
 *
 * @param parsed `JSON.parse(json)`, when the caller has it. @default JSON.parse(json)
 * @example
 * ```ts
 * hasDuplicateKeys('{"alg":"ES384","alg":"none"}') // true
 * ```
 */
export function hasDuplicateKeys(json: string, parsed: unknown = JSON.parse(json)): boolean {
  return countColons(json) !== countMembers(parsed);
}

function countColons(json: string): number {
  let colons = 0;
  let i = 0;
  for (;;) {
    const quote = json.indexOf('"', i);
    const end = quote === -1 ? json.length : quote;
    for (let colon = json.indexOf(':', i); colon !== -1 && colon < end; colon = json.indexOf(':', colon + 1)) colons++;
    if (quote === -1) return colons;
    // Skip the string: its closing quote is the next one not escaped by an odd run of backslashes.
    let close = json.indexOf('"', quote + 1);
    for (;;) {
      let backslashes = 0;
      while (json.charCodeAt(close - 1 - backslashes) === 0x5c /* \ */) backslashes++;
      if (backslashes % 2 === 0) break;
      close = json.indexOf('"', close + 1);
    }
    i = close + 1;
  }
}

// Iterative: a segment of nested arrays as deep as `maxTokenSize` allows must not overflow the stack.
function countMembers(value: unknown): number {
  let members = 0;
  const pending: object[] = [];
  const visit = (item: unknown): void => {
    if (typeof item === 'object' && item !== null) pending.push(item);
  };
  visit(value);
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      continue;
    }
    // Own names only (`__proto__` included, as JSON.parse defines it); never what a polluted prototype adds.
    const names = Object.keys(node);
    members += names.length;
    for (const name of names) visit((node as Record<string, unknown>)[name]);
  }
  return members;
}
