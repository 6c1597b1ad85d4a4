import type { DomainEvent, ServerMessage, Topic } from '@parley/protocol';
import type { z } from 'zod';
import { type ActorFacts, canSeeItem, type ItemFacts } from '../policy/policy.js';

/** Who may receive an event: readers of an item (policy-filtered) or exactly one user. */
export type Audience = { item: ItemFacts } | { userId: string };

export interface Envelope {
  topic: Topic;
  event: DomainEvent;
  audience: Audience;
}

/**
 * Carries envelopes between server nodes. The in-process one is enough for a single node; a Redis
 * pub/sub adapter implements the same two methods so that every node delivers to its own sockets.
 */
export interface Fanout {
  publish(envelope: Envelope): Promise<void>;
  onEnvelope(handler: (envelope: Envelope) => void): void;
  close(): Promise<void>;
}

export class LocalFanout implements Fanout {
  private handlers: ((e: Envelope) => void)[] = [];
  async publish(envelope: Envelope): Promise<void> {
    for (const h of this.handlers) h(envelope);
  }
  onEnvelope(handler: (envelope: Envelope) => void): void {
    this.handlers.push(handler);
  }
  async close(): Promise<void> {
    this.handlers = [];
  }
}

export interface Connection {
  userId: string;
  topics: Set<Topic>;
  send(message: ServerMessage): void;
  /** Actor facts as of now; memberships can change while a socket is open. */
  actor(): Promise<ActorFacts>;
}

export type TopicAuthorizer = (actor: ActorFacts, id: string) => Promise<boolean>;

/** A protocol schema of client messages: a discriminated union on `type` (e.g. `CallClientMessage`). */
export type ClientMessageSchema = z.ZodType<{ type: string }> & {
  options: readonly { shape: { type: { value: string } } }[];
};

/** How the socket hands a module's message over: parsed by the module's own schema, within its size limit. */
export interface MessageRoute {
  maxBytes: number;
  /** Resolves to the path of the first invalid field, or to null once its module has handled the message. */
  accept(conn: Connection, message: unknown): Promise<string | null>;
}

/** Text messages up to this size unless a module registers a larger limit for its own. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

export class RealtimeHub {
  private readonly connections = new Set<Connection>();
  private readonly authorizers = new Map<string, TopicAuthorizer>();
  private readonly watchers = new Set<(envelope: Envelope) => void>();
  private readonly routes = new Map<string, MessageRoute>();
  private readonly disconnectHandlers: ((connection: Connection) => void)[] = [];

  constructor(private readonly fanout: Fanout) {
    fanout.onEnvelope((e) => void this.deliver(e));
    this.authorizers.set('user', async (actor, id) => actor.userId === id);
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Each domain module registers who may listen to its topics (e.g. `meeting:<id>`). */
  registerTopic(prefix: string, authorizer: TopicAuthorizer): void {
    this.authorizers.set(prefix, authorizer);
  }

  /**
   * Each domain module registers the client messages it answers (e.g. calls their `call.*` signalling), typed by
   * its protocol schema; the socket knows only subscribe, unsubscribe and ping (docs/architecture.md §3.4).
   */
  registerMessages<S extends ClientMessageSchema>(
    schema: S,
    handle: (conn: Connection, message: z.infer<S>) => Promise<void>,
    opts: { maxBytes?: number } = {},
  ): void {
    const route: MessageRoute = {
      maxBytes: opts.maxBytes ?? MAX_MESSAGE_BYTES,
      accept: async (conn, message) => {
        const parsed = schema.safeParse(message);
        if (!parsed.success) return parsed.error.issues[0]?.path.join('.') || 'type';
        await handle(conn, parsed.data);
        return null;
      },
    };
    for (const option of schema.options) {
      const type = option.shape.type.value;
      if (this.routes.has(type)) throw new Error(`realtime: ${type} messages are already handled`);
      this.routes.set(type, route);
    }
  }

  /** The module route of a client message type, if a module registered one. */
  messageRoute(type: string): MessageRoute | undefined {
    return this.routes.get(type);
  }

  /** A module told of every socket that closes (e.g. calls hold a dropped participant's place for a while). */
  onDisconnect(handler: (connection: Connection) => void): void {
    this.disconnectHandlers.push(handler);
  }

  add(connection: Connection): void {
    this.connections.add(connection);
  }

  remove(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    for (const handler of this.disconnectHandlers) handler(connection);
  }

  async mayListen(actor: ActorFacts, topic: Topic): Promise<boolean> {
    const [prefix, id] = topic.split(':') as [string, string];
    const authorizer = this.authorizers.get(prefix);
    return authorizer ? authorizer(actor, id) : false;
  }

  publish(envelope: Envelope): Promise<void> {
    return this.fanout.publish(envelope);
  }

  /**
   * A module reacting to another module's committed changes through their events (e.g. a call ending with its
   * meeting) rather than reaching into its tables. Handlers run on every node; they must not throw.
   */
  watch(handler: (envelope: Envelope) => void): () => void {
    this.watchers.add(handler);
    return () => this.watchers.delete(handler);
  }

  private async deliver(envelope: Envelope): Promise<void> {
    for (const watcher of this.watchers) watcher(envelope);
    const message: ServerMessage = { type: 'event', topic: envelope.topic, event: envelope.event };
    const audience = envelope.audience;
    const readers = [...this.connections].filter((conn) => conn.topics.has(envelope.topic));
    if ('userId' in audience) {
      for (const conn of readers) if (audience.userId === conn.userId) conn.send(message);
      return;
    }
    // Filter at delivery time with each reader's current facts: side-only events never reach the other side. All
    // readers' facts are asked for at once, so a reload of one session's facts never holds up the sockets behind it;
    // a reader whose facts cannot be read gets nothing.
    const facts = readers.map((conn) => conn.actor().catch(() => null));
    for (const [i, conn] of readers.entries()) {
      const actor = await facts[i];
      if (actor && canSeeItem(actor, audience.item)) conn.send(message);
    }
  }

  async close(): Promise<void> {
    this.connections.clear();
    await this.fanout.close();
  }
}
