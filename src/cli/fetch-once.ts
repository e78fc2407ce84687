/** One GET answer, kept so the report and the kit judge the same documents. */
export interface FetchedDocument {
  url: string;
  status: number;
  contentType: string | null;
  text: string;
}

/** A fetch that asks each URL once; the kit gets the same answer the report describes. */
export interface FetchOnce {
  /** GET `url` (once); rejects when it cannot be reached. */
  get(url: string): Promise<FetchedDocument>;
  /** A `fetch` for the kit's `fetch` option, answering from {@link FetchOnce.get}. */
  fetch: typeof fetch;
}

// A status that must not carry a body (Fetch standard, "null body status").
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Create the fetch the inspector shares with the kit it builds.
 *
 * @example
 * ```ts
 * const web = createFetchOnce({ timeout: 5_000 })
 * const discovery = await web.get('https://tenant.logto.app/oidc/.well-known/openid-configuration')
 * ```
 */
export function createFetchOnce(options: { timeout: number; fetch?: typeof fetch }): FetchOnce {
  const base = options.fetch ?? globalThis.fetch;
  const answers = new Map<string, Promise<FetchedDocument>>();
  const get = (url: string): Promise<FetchedDocument> => {
    let answer = answers.get(url);
    if (!answer) {
      answer = (async () => {
        const response = await base(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeout) });
        return { url, status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
      })();
      answers.set(url, answer);
    }
    return answer;
  };
  const fetchFromCache = (async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const { status, contentType, text } = await get(url);
    return new Response(NULL_BODY.has(status) ? null : text, { status, headers: contentType ? { 'content-type': contentType } : {} });
  }) as typeof fetch;
  return { get, fetch: fetchFromCache };
}

/** Why a fetch failed, in a few words (Node's fetch hides the reason in `cause`). */
export function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'it did not answer in time';
    const cause = (error as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    if (typeof code === 'string') return `${error.message} (${code})`;
    return error.message;
  }
  return String(error);
}
