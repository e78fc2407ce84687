/**
 * Reads the `error` attribute of a `Bearer` challenge in a `WWW-Authenticate`
 * value (RFC 6750 §3, challenge grammar of RFC 9110 §11.6.1). A header may hold
 * several challenges (`DPoP …, Bearer realm="api", error="invalid_token"`), and
 * a quoted string may contain commas, so this is a small tokenizer, not a regex.
 *
 * @example
 * ```ts
 * bearerError('Bearer realm="api", error="invalid_token"') // 'invalid_token'
 * ```
 */
export function bearerError(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  let scheme: string | undefined;
  let i = 0;
  const n = header.length;
  const skip = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && !' \t,="'.includes(header[i] as string)) i++;
    return header.slice(start, i);
  };
  while (i < n) {
    skip();
    const word = token();
    if (!word) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && (header[j] === ' ' || header[j] === '\t')) j++;
    if (header[j] !== '=') {
      // A word not followed by `=` starts a new challenge (its auth-scheme).
      scheme = word.toLowerCase();
      continue;
    }
    // token68 (`=` padding) or `name=value`: read the value.
    i = j + 1;
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
    let value: string;
    if (header[i] === '"') {
      i++;
      value = '';
      while (i < n && header[i] !== '"') {
        if (header[i] === '\\' && i + 1 < n) i++;
        value += header[i];
        i++;
      }
      i++;
    } else value = token();
    if (scheme === 'bearer' && word.toLowerCase() === 'error') return value;
  }
  return undefined;
}
