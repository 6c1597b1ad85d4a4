// The Parley server's HTTP requests during a join, for the bench's timeline: when each arrived and how long the server
// took to answer it. The server runs in the bench's own process, so Node's http diagnostics channels see them, on
// the clock the pages stamp with (performance.timeOrigin + now).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Message = { request: IncomingMessage; response: ServerResponse };

const now = () => performance.timeOrigin + performance.now();
const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export class ServerRequests {
  readonly #started = new WeakMap<IncomingMessage, number>();
  #rows: [number, string][] = [];
  readonly #start = (message: unknown) => this.#started.set((message as Message).request, now());
  readonly #finish = (message: unknown) => {
    const { request, response } = message as Message;
    const at = this.#started.get(request);
    if (at === undefined || !request.url?.startsWith('/api/')) return;
    const path = request.url.split('?')[0]!.replace(ID, ':id');
    this.#rows.push([at, `[http] ${request.method} ${path} ${response.statusCode} in ${(now() - at).toFixed(0)} ms`]);
  };

  constructor() {
    subscribe('http.server.request.start', this.#start);
    subscribe('http.server.response.finish', this.#finish);
  }

  /** The requests answered since the last call. */
  take(): [number, string][] {
    return this.#rows.splice(0);
  }

  close(): void {
    unsubscribe('http.server.request.start', this.#start);
    unsubscribe('http.server.response.finish', this.#finish);
  }
}
