import type { ServerMessage } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { TEST_ORIGIN } from '../../../test-support/app.js';
import { serverMessage } from '../../../test-support/server-message.js';

type Socket = Awaited<ReturnType<FastifyInstance['injectWS']>>;

/** A real socket on the app's /ws route (in-memory transport), collecting what the server sends (see serverMessage). */
export class WsProbe {
  readonly messages: ServerMessage[] = [];
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private socket!: Socket;

  private listen(socket: Socket): void {
    this.socket = socket;
    socket.on('message', (raw: Buffer) => {
      const m = serverMessage(raw.toString('utf8'));
      this.messages.push(m);
      this.waiters = this.waiters.filter((wt) => {
        if (!wt.test(m)) return true;
        wt.resolve(m);
        return false;
      });
    });
  }

  static async open(app: FastifyInstance, cookie: string): Promise<WsProbe> {
    const probe = new WsProbe();
    // Listen from the very start: the server greets as soon as the socket opens.
    await app.injectWS('/ws', { headers: { cookie, origin: TEST_ORIGIN } } as never, {
      onInit: (socket) => probe.listen(socket as unknown as Socket),
    });
    await probe.next((m) => m.type === 'hello');
    return probe;
  }

  /** Resolves with the first message (already received or still to come) that passes the test. */
  next(test: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  async subscribe(topic: string): Promise<ServerMessage> {
    const requestId = crypto.randomUUID();
    this.send({ type: 'subscribe', topic, requestId });
    return this.next((m) => 'requestId' in m && m.requestId === requestId);
  }

  /** A ping round trip: everything the server sent before the pong has arrived. */
  async flush(): Promise<void> {
    const requestId = crypto.randomUUID();
    this.send({ type: 'ping', requestId });
    await this.next((m) => m.type === 'pong' && m.requestId === requestId);
  }

  events() {
    return this.messages.flatMap((m) => (m.type === 'event' ? [m] : []));
  }

  close(): void {
    this.socket.terminate();
  }
}
