import { randomUUID } from 'node:crypto';
import { type DomainEventKind, type DomainEventOf, isEventOf, type ServerMessage } from '@parley/protocol';
import WebSocket from 'ws';
import { TEST_ORIGIN } from './app.js';
import { serverMessage } from './server-message.js';

/** A real WebSocket to the test server, with "wait for a message like this" for assertions (see serverMessage). */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  private waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const m = serverMessage(raw.toString());
      this.messages.push(m);
      for (const x of [...this.waiters])
        if (x.pred(m)) {
          this.waiters.splice(this.waiters.indexOf(x), 1);
          x.resolve(m);
        }
    });
  }

  /**
   * Opens the socket with a session `cookie` and resolves once the server's hello came. `atOpen` is sent the moment
   * the socket opens, before the hello, as browsers do.
   */
  static async open(
    url: string,
    cookie: string,
    { origin = TEST_ORIGIN, atOpen = [] }: { origin?: string; atOpen?: object[] } = {},
  ): Promise<TestSocket> {
    const s = new TestSocket(new WebSocket(url, { headers: { cookie, origin } }));
    await new Promise<void>((resolve, reject) => {
      s.ws.once('open', () => {
        for (const m of atOpen) s.ws.send(JSON.stringify(m));
        resolve();
      });
      s.ws.once('error', reject);
    });
    await s.next((m) => m.type === 'hello');
    return s;
  }

  /** Resolves with the first message (already received or future) matching `pred`. */
  next(pred: (m: ServerMessage) => boolean, ms = 20_000): Promise<ServerMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      this.waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error('timed out waiting for a WebSocket message')), ms).unref();
    });
  }

  /** Resolves with the first event of this kind (already received or future) that passes `pred`. */
  async nextEvent<K extends DomainEventKind>(
    kind: K,
    pred: (event: DomainEventOf<K>) => boolean = () => true,
  ): Promise<DomainEventOf<K>> {
    const m = await this.next((x) => x.type === 'event' && isEventOf(x.event, kind) && pred(x.event));
    if (m.type !== 'event' || !isEventOf(m.event, kind)) throw new Error(`expected a ${kind} event`);
    return m.event;
  }

  /** Asks for a topic and resolves with the server's answer, `subscribed` or a refusal. */
  async askFor(topic: string): Promise<ServerMessage> {
    const requestId = randomUUID();
    this.ws.send(JSON.stringify({ type: 'subscribe', topic, requestId }));
    return this.next((m) => 'requestId' in m && m.requestId === requestId);
  }

  async subscribe(topic: string): Promise<void> {
    const reply = await this.askFor(topic);
    if (reply.type !== 'subscribed') throw new Error(`subscribe ${topic}: ${JSON.stringify(reply)}`);
  }

  close(): void {
    this.ws.close();
  }
}
