/**
 * A duration in seconds as a person says it: `3 h 12 min`, `42 s`, `2 d 1 h`.
 *
 * @example
 * ```ts
 * describeDuration(11_520) // '3 h 12 min'
 * ```
 */
export function describeDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const units: [number, string][] = [[86_400, 'd'], [3_600, 'h'], [60, 'min'], [1, 's']];
  const parts: string[] = [];
  let rest = s;
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 && parts.length < 2) parts.push(`${count} ${name}`);
    rest -= count * size;
    if (parts.length === 2 || (parts.length === 1 && count === 0)) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}
