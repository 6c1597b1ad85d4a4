import type { ActorFacts } from '../policy/policy.js';

/** How stale a socket reader's memberships may be: a revoked membership stops events within this time. */
export const FACTS_TTL_MS = 2_000;

/**
 * The facts of each signed-in session that holds sockets on this node, read at most once per `FACTS_TTL_MS` for
 * all its sockets together (a person with the call, the group page and a back channel open in three tabs is read
 * once, not three times). Concurrent readers of an expired entry share one load; a failed load is not kept.
 */
export class FactsCache {
  private readonly entries = new Map<string, { at: number; facts: Promise<ActorFacts> }>();
  private sweptAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get(sessionId: string, load: () => Promise<ActorFacts>): Promise<ActorFacts> {
    const kept = this.entries.get(sessionId);
    if (kept && this.now() - kept.at <= FACTS_TTL_MS) return kept.facts;
    return this.fresh(sessionId, load);
  }

  /** Reads now, for every socket of the session: a socket that opens sees what the request before it changed. */
  fresh(sessionId: string, load: () => Promise<ActorFacts>): Promise<ActorFacts> {
    const at = this.now();
    this.sweep(at);
    const facts = load();
    this.entries.set(sessionId, { at, facts });
    facts.catch(() => {
      if (this.entries.get(sessionId)?.facts === facts) this.entries.delete(sessionId);
    });
    return facts;
  }

  /** Once per period, not per read: when every session's facts expire together, each read must not walk them all. */
  private sweep(at: number): void {
    if (at - this.sweptAt <= FACTS_TTL_MS) return;
    this.sweptAt = at;
    for (const [id, e] of this.entries) if (at - e.at > FACTS_TTL_MS) this.entries.delete(id);
  }
}
