import { ClientMessage, type ServerMessage, type Topic } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { loadActorFacts } from '../policy/actor.js';
import { FactsCache } from './facts-cache.js';
import { type Connection, MAX_MESSAGE_BYTES } from './hub.js';

const MAX_TOPICS = 200;
/**
 * The hub hands one event message object to every reader of the event: it is serialised once, not once per socket.
 * Only events: other messages are built per recipient.
 */
const serialised = new WeakMap<ServerMessage, string>();
const textOf = (m: ServerMessage): string => {
  if (m.type !== 'event') return JSON.stringify(m);
  let text = serialised.get(m);
  if (text === undefined) {
    text = JSON.stringify(m);
    serialised.set(m, text);
  }
  return text;
};

/**
 * One authenticated socket per tab. The upgrade passed the Origin check in the onRequest hook. The socket answers
 * subscribe, unsubscribe and ping itself and hands every other message to the module that registered its type
 * (docs/architecture.md §3.4).
 */
export async function realtimeRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const factsOf = new FactsCache();
  app.get('/ws', { websocket: true, schema: { hide: true } }, async (socket, request) => {
    const user = request.auth.user;
    if (!user) {
      socket.close(4401, 'sign in first');
      return;
    }
    const sessionId = request.auth.session!.id;
    // Read afresh each time: a step-up in another request lifts the wait without reconnecting the socket.
    const load = () => loadActorFacts(ctx.db, user.id, user.isAdmin, request.auth.owesStepUpNow);
    const actor = () => factsOf.get(sessionId, load);
    // The socket's handlers are attached before anything is awaited: a message that arrives while nothing listens
    // is lost, and a client subscribes to its topics as soon as the socket opens. Each message waits for this read.
    const readable = factsOf.fresh(sessionId, load).then(
      () => true,
      () => false,
    );
    const send = (m: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(textOf(m));
    };
    const conn: Connection = {
      userId: user.id,
      topics: new Set<Topic>(),
      send,
      actor,
    };
    let closed = false;
    socket.on('close', () => {
      closed = true;
      ctx.hub.remove(conn);
    });
    socket.on('message', async (raw: Buffer, isBinary: boolean) => {
      if (!(await readable)) return;
      if (isBinary) return send({ type: 'error', code: 'bad_message', message: 'text JSON only' });
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        return send({ type: 'error', code: 'bad_json', message: 'not JSON' });
      }
      const route = ctx.hub.messageRoute(String((parsed as { type?: unknown } | null)?.type ?? ''));
      const maxBytes = route?.maxBytes ?? MAX_MESSAGE_BYTES;
      if (raw.length > maxBytes)
        return send({ type: 'error', code: 'bad_message', message: `text JSON up to ${maxBytes / 1024} KiB` });
      if (route) {
        const invalid = await route.accept(conn, parsed);
        if (invalid) send({ type: 'error', code: 'bad_message', message: `invalid field: ${invalid}` });
        return;
      }
      const msg = ClientMessage.safeParse(parsed);
      if (!msg.success) {
        const path = msg.error.issues[0]?.path.join('.') || 'type';
        return send({ type: 'error', code: 'bad_message', message: `invalid field: ${path}` });
      }
      const m = msg.data;
      switch (m.type) {
        case 'ping':
          return send({ type: 'pong', ...(m.requestId ? { requestId: m.requestId } : {}) });
        case 'unsubscribe':
          conn.topics.delete(m.topic);
          return;
        case 'subscribe': {
          const rid = m.requestId ? { requestId: m.requestId } : {};
          // Unknown and forbidden topics get the same answer, so topics cannot be used to probe ids.
          if (
            conn.topics.size >= MAX_TOPICS ||
            !(await ctx.hub.mayListen(await conn.actor(), m.topic).catch(() => false))
          ) {
            return send({ type: 'error', code: 'forbidden', message: 'cannot subscribe to this topic', ...rid });
          }
          conn.topics.add(m.topic);
          return send({ type: 'subscribed', topic: m.topic, ...rid });
        }
        default:
          // A message of the protocol whose module is not part of this server.
          return send({ type: 'error', code: 'bad_message', message: `${m.type} is not available on this server` });
      }
    });
    // Awaited here first, so the socket is in the hub and has said hello before any message is handled.
    if (!(await readable)) return socket.close(1011, 'try again');
    if (closed) return;
    ctx.hub.add(conn);
    send({ type: 'hello', userId: user.id });
  });
}
