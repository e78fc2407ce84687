import { base64url } from 'jose';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Node's Buffer decodes base64url natively, several times faster than jose's
// portable decoder; it is looked up, not imported, so edge runtimes (no
// Buffer) keep the portable path. The segment's alphabet is already checked.
interface NodeBuffer {
  from(input: string, encoding: 'base64url'): Uint8Array;
}
const NodeBufferImpl = (globalThis as { Buffer?: NodeBuffer }).Buffer;
const decodeBase64url: (segment: string) => Uint8Array = NodeBufferImpl
  ? (segment) => {
      // Buffer ignores a trailing partial quantum that atob refuses (length % 4 === 1).
      if (segment.length % 4 === 1) throw new TypeError('invalid base64url length');
      return NodeBufferImpl.from(segment, 'base64url');
    }
  : (segment) => base64url.decode(segment);
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
  return hasDuplicateKeys(text) ? undefined : (value as Record<string, unknown>);
}

/** Whether any object in already-valid JSON text names a member twice. */
export function hasDuplicateKeys(json: string): boolean {
  // One Set per open object, `null` per open array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < json.length && json.charCodeAt(j) !== 0x22) {
        if (json.charCodeAt(j) === 0x5c /* \ */) {
          escaped = true;
          j++;
        }
        j++;
      }
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const raw = json.slice(i + 1, j);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return false;
}
