import { expect } from 'vitest';

/**
 * Assert a JSON auth refusal as every HTTP adapter answers it: the status,
 * `Cache-Control: no-store`, a JSON body `{ error, error_description, reason }`.
 *
 * @example
 * ```ts
 * await expectRefusal(await fetch(url), 401, 'missing_token')
 * ```
 */
export async function expectRefusal(res: Response, status: number, error: string): Promise<{ error: string; error_description: string; reason: string }> {
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: string; error_description: string; reason: string };
  expect(body).toEqual({ error, error_description: expect.any(String), reason: expect.any(String) });
  return body;
}
