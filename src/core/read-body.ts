/**
 * Read at most `limit` bytes of a body stream; `undefined` when it is longer.
 * Bytes are counted as they arrive (Content-Length may be absent or wrong) and
 * reading stops at once past the limit, so an oversized body is never
 * buffered whole. Shared by the key-set fetch and the back-channel receiver.
 *
 * @example
 * ```ts
 * const bytes = response.body ? await readBodyLimited(response.body, 512 * 1024) : new Uint8Array(0)
 * ```
 */
export async function readBodyLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
