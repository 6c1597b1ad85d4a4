import type { ServerMessage } from '@parley/protocol';
import WebSocket from 'ws';
import { TEST_ORIGIN } from './app.js';
import { serverMessage } from './server-message.js';

/** A signed-in realtime socket as a test holds it: every message kept, and a wait for the next one that matches. */
export interface TestSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  next(pred: (m: ServerMessage) => boolean, ms?: number): Promise<ServerMessage>;
  /** Sends a subscription and resolves with the server's answer to it (`subscribed` or an error). */
  subscribe(topic: string): Promise<ServerMessage>;
}

let requests = 0;

/**
 * Opens the realtime socket at `url` with a session `cookie`; `atOpen` is sent the moment it opens, before the
 * server's hello, as browsers do. Resolves once the hello came.
 */
export async function openSocket(
  url: string,
  cookie: string,
  { origin = TEST_ORIGIN, atOpen = [] }: { origin?: string; atOpen?: object[] } = {},
): Promise<TestSocket> {
  const ws = new WebSocket(url, { headers: { cookie, origin } });
  const messages: ServerMessage[] = [];
  const waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (raw) => {
    const m = serverMessage(raw.toString());
    messages.push(m);
    for (const x of [...waiters])
      if (x.pred(m)) {
        waiters.splice(waiters.indexOf(x), 1);
        x.resolve(m);
      }
  });
  const next: TestSocket['next'] = (pred, ms = 5000) => {
    const found = messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error('timed out waiting for a message')), ms);
    });
  };
  const subscribe: TestSocket['subscribe'] = (topic) => {
    const requestId = `sub-${++requests}`;
    ws.send(JSON.stringify({ type: 'subscribe', topic, requestId }));
    return next((m) => 'requestId' in m && m.requestId === requestId);
  };
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      for (const m of atOpen) ws.send(JSON.stringify(m));
      resolve();
    });
    ws.once('error', reject);
  });
  await next((m) => m.type === 'hello');
  return { ws, messages, next, subscribe };
}
