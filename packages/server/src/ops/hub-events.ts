import type { GroupEvents } from '@parley/e2ee';
import type { DomainEvent, Topic } from '@parley/protocol';
import type { AppContext } from '../context.js';
import { loadActorFacts } from '../policy/actor.js';
import type { Connection } from '../realtime/hub.js';

/**
 * The server's realtime hub as one user's WebSocket client would see it, in process (the demo loader's devices and
 * the Delivery Service tests run the MLS group client on it): a connection registered with
 * the hub, each topic subscribed only if the hub lets this user listen, and every event filtered by the hub's own
 * audience and policy check at delivery. Events published before a subscription is granted are missed, as over a
 * socket.
 */
export class HubEvents implements GroupEvents {
  readonly #listeners = new Map<Topic, Set<(event: DomainEvent) => void>>();
  readonly #reconnects = new Set<() => void>();
  readonly #conn: Connection;
  #closed = false;
  /** Every event delivered, for assertions on what the device was told. */
  readonly seen: { topic: Topic; event: DomainEvent }[] = [];

  constructor(
    private readonly ctx: AppContext,
    readonly userId: string,
  ) {
    this.#conn = {
      userId,
      topics: new Set<Topic>(),
      send: (message) => {
        if (message.type !== 'event') return;
        this.seen.push({ topic: message.topic, event: message.event });
        for (const listener of this.#listeners.get(message.topic) ?? []) listener(message.event);
      },
      actor: () => loadActorFacts(ctx.db, userId, false),
    };
    ctx.hub.add(this.#conn);
  }

  subscribe(topic: Topic, listener: (event: DomainEvent) => void): () => void {
    const set = this.#listeners.get(topic) ?? new Set();
    this.#listeners.set(topic, set);
    set.add(listener);
    this.#conn
      .actor()
      .then(async (actor) => {
        if (set.has(listener) && (await this.ctx.hub.mayListen(actor, topic))) this.#conn.topics.add(topic);
      })
      // A grant still on its way when the app shuts down finds the database gone: nobody is listening any more.
      .catch((err: unknown) => {
        if (!this.#closed) this.ctx.log.warn({ err, topic }, 'subscription check failed');
      });
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#conn.topics.delete(topic);
    };
  }

  /** The hub granted the topic (a subscription's grant arrives after a round trip, as over a socket). */
  subscribed(topic: Topic): boolean {
    return this.#conn.topics.has(topic);
  }

  onReconnect(handler: () => void): () => void {
    this.#reconnects.add(handler);
    return () => this.#reconnects.delete(handler);
  }

  close(): void {
    this.#closed = true;
    this.ctx.hub.remove(this.#conn);
  }
}
