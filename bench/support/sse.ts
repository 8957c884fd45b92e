// A minimal Server-Sent Events client over raw `http.request`, light enough to hold ten thousand streams
// from one process: it parses `id:` / `event:` / `data:` blocks, stamps each event with the epoch time it
// arrived (sub-millisecond, on the same clock as Date.now), and lets a bench wait for the first event that
// matches a condition.
import { Agent, request, type ClientRequest } from 'node:http';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  /** Epoch milliseconds (fractional) when the event's last byte arrived. */
  receivedAt: number;
}

type Waiter = { match: (event: SseEvent) => boolean; resolve: (event: SseEvent) => void };

/** Connections for event streams: no pooling, no socket limit (every stream holds its own socket). */
const streamAgent = new Agent({ keepAlive: false, maxSockets: Infinity });

export const epochNow = (): number => performance.timeOrigin + performance.now();

export class EventStream {
  /** Every event received, oldest first (the comment lines are not events). */
  readonly #events: SseEvent[] = [];
  readonly #request: ClientRequest;
  #waiters: Waiter[] = [];
  #buffer = '';

  private constructor(clientRequest: ClientRequest) {
    this.#request = clientRequest;
  }

  /** Opens `url` and resolves once the answer's status is 200 (events then arrive as they come). */
  static open(url: string, timeoutMs = 30_000): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const clientRequest = request(url, { agent: streamAgent, headers: { accept: 'text/event-stream' } });
      const stream = new EventStream(clientRequest);
      const timer = setTimeout(() => {
        clientRequest.destroy();
        reject(new Error(`${url}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      clientRequest.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      clientRequest.on('response', (response) => {
        clearTimeout(timer);
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`${url}: HTTP ${response.statusCode}`));
          return;
        }
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => stream.#receive(chunk));
        // A connection cut by the server ends the stream; waiters then time out with their own message.
        response.on('error', () => {});
        resolve(stream);
      });
      clientRequest.end();
    });
  }

  /** Resolves with the first event (already received or to come) that `match` accepts; rejects after `timeoutMs`. */
  next(match: (event: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent> {
    const seen = this.#events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  close(): void {
    this.#request.destroy();
  }

  #receive(chunk: string): void {
    const receivedAt = epochNow();
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue; // a comment (heartbeat) or a bare `retry:`
      const parsed: SseEvent = { id, event, data: data.join('\n'), receivedAt };
      this.#events.push(parsed);
      const ready = this.#waiters.filter((waiter) => waiter.match(parsed));
      this.#waiters = this.#waiters.filter((waiter) => !ready.includes(waiter));
      for (const waiter of ready) waiter.resolve(parsed);
    }
  }
}
