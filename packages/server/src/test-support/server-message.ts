import { ServerMessage } from '@parley/protocol';

/**
 * Reads one WebSocket text frame the server sent and checks it against the protocol's schema: a message that its
 * schema refuses fails the test. The object is returned as sent, every field kept (parsing would drop fields the
 * schema does not name), so leakage checks see all of it.
 */
export function serverMessage(text: string): ServerMessage {
  const m: unknown = JSON.parse(text);
  if (!conforms(m)) throw new Error(`the server sent a message its schema refuses: ${text.slice(0, 500)}`);
  return m;
}

const conforms = (m: unknown): m is ServerMessage => ServerMessage.safeParse(m).success;
