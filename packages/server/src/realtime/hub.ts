import type { DomainEvent, ServerMessage, Topic } from '@parley/protocol';
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

export class RealtimeHub {
  private readonly connections = new Set<Connection>();
  private readonly authorizers = new Map<string, TopicAuthorizer>();
  private readonly watchers = new Set<(envelope: Envelope) => void>();

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

  add(connection: Connection): void {
    this.connections.add(connection);
  }

  remove(connection: Connection): void {
    this.connections.delete(connection);
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
    for (const conn of this.connections) {
      if (!conn.topics.has(envelope.topic)) continue;
      const audience = envelope.audience;
      if ('userId' in audience) {
        if (audience.userId === conn.userId) conn.send(message);
        continue;
      }
      // Filter at delivery time with the reader's current facts: side-only events never reach the other side.
      if (canSeeItem(await conn.actor(), audience.item)) conn.send(message);
    }
  }

  async close(): Promise<void> {
    this.connections.clear();
    await this.fanout.close();
  }
}
