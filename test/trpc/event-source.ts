/**
 * A small fetch-based EventSource for Node 20 (which has none) that can send
 * headers, like the `eventsource` package does. It connects once and never
 * reconnects by itself, so a test sees every connection the client makes.
 */
export interface HeaderEventSourceInit {
  withCredentials?: boolean;
  headers?: Record<string, string>;
}

export class HeaderEventSource extends EventTarget {
  static connections = 0;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  readonly url: string;
  readonly withCredentials: boolean;
  private readonly controller = new AbortController();

  constructor(url: string, init: HeaderEventSourceInit = {}) {
    super();
    this.url = url;
    this.withCredentials = init.withCredentials ?? false;
    HeaderEventSource.connections++;
    void this.run(init.headers ?? {}).catch(() => this.fail());
  }

  close(): void {
    this.readyState = this.CLOSED;
    this.controller.abort();
  }

  private fail(): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    this.dispatchEvent(new Event('error'));
  }

  private async run(headers: Record<string, string>): Promise<void> {
    const response = await fetch(this.url, { headers: { accept: 'text/event-stream', ...headers }, signal: this.controller.signal });
    if (!response.ok || !response.body) return this.fail();
    this.readyState = this.OPEN;
    this.dispatchEvent(new Event('open'));
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { type: 'message', data: [] as string[], id: '' };
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (event.data.length > 0 && this.readyState === this.OPEN) {
            this.dispatchEvent(new MessageEvent(event.type, { data: event.data.join('\n'), lastEventId: event.id }));
          }
          event = { type: 'message', data: [], id: event.id };
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.type = value;
        else if (field === 'data') event.data.push(value);
        else if (field === 'id') event.id = value;
      }
    }
    this.fail();
  }
}
