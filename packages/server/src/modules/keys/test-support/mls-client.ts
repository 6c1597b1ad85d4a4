import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { TEST_ORIGIN } from '../../../test-support/app.js';

export { MlsDevice } from '../../../ops/mls-device.js';

type WsMessage = { type: string; topic?: string; event?: { kind: string; data?: Record<string, unknown> } };

/** A real WebSocket to the test server, with "wait for a message like this" for assertions. */
export class TestSocket {
  readonly messages: WsMessage[] = [];
  private waiters: { pred: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as WsMessage;
      this.messages.push(m);
      for (const x of [...this.waiters])
        if (x.pred(m)) {
          this.waiters.splice(this.waiters.indexOf(x), 1);
          x.resolve(m);
        }
    });
  }

  static async open(url: string, cookie: string): Promise<TestSocket> {
    const s = new TestSocket(new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } }));
    await new Promise<void>((resolve, reject) => {
      s.ws.once('open', () => resolve());
      s.ws.once('error', reject);
    });
    await s.next((m) => m.type === 'hello');
    return s;
  }

  /** Resolves with the first message (already received or future) matching `pred`. */
  next(pred: (m: WsMessage) => boolean, ms = 20_000): Promise<WsMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      this.waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error('timed out waiting for a WebSocket message')), ms).unref();
    });
  }

  async subscribe(topic: string): Promise<void> {
    const requestId = randomUUID();
    this.ws.send(JSON.stringify({ type: 'subscribe', topic, requestId }));
    const reply = await this.next((m) => (m as { requestId?: string }).requestId === requestId);
    if (reply.type !== 'subscribed') throw new Error(`subscribe ${topic}: ${JSON.stringify(reply)}`);
  }

  close(): void {
    this.ws.close();
  }
}
