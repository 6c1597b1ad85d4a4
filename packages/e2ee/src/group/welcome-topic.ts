import type { DomainEvent, Topic } from '@parley/protocol';
import type { GroupEvents } from './transport.js';

/**
 * The person's own topic, where the Delivery Service pushes their Welcomes (M29). It is held from the pre-join
 * screen on, so the server already forwards a Welcome when a member adds the device moments after admission; and
 * from admission on, what arrives is kept until the key layer's own listener is there, then handed to it. A member
 * often commits the Add before the joining tab has taken its call lock and started its group client: without this,
 * that Welcome would be dropped and fetched again by a lookup and a list, round trips later (docs/call-keys.md §11).
 */
export class WelcomeTopic {
  #kept: DomainEvent[] | null = null;
  #off: () => void = () => {};

  constructor(
    private readonly ws: GroupEvents,
    private readonly topic: Topic,
  ) {}

  hold(): void {
    this.#off();
    this.#off = this.ws.subscribe(this.topic, (event) => {
      if (event.kind === 'mls.welcome') this.#kept?.push(event);
    });
  }

  /** Admitted: from now on a pushed Welcome is kept for the key layer. */
  keep(): void {
    this.#kept ??= [];
  }

  /** The events the key layer listens to: the same stream, with the kept Welcomes replayed to its topic listener. */
  events(): GroupEvents {
    return {
      subscribe: (topic, listener) => {
        const off = this.ws.subscribe(topic, listener);
        if (topic === this.topic) {
          const kept = this.#kept ?? [];
          this.#kept = null;
          for (const event of kept) listener(event);
        }
        return off;
      },
      ...(this.ws.onReconnect ? { onReconnect: (handler: () => void) => this.ws.onReconnect!(handler) } : {}),
    };
  }

  release(): void {
    this.#off();
    this.#off = () => {};
    this.#kept = null;
  }
}
