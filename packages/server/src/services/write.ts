import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { type AuditInput, appendAudit } from '../modules/audit/chain.js';
import type { Envelope, RealtimeHub } from '../realtime/hub.js';

export interface WriteScope {
  tx: Tx;
  actorUserId: string | null;
  /** Records the change in the hash-chained audit log, in this same transaction. */
  audit(input: Omit<AuditInput, 'actorUserId'>): Promise<void>;
  /** Queues a realtime event; it goes out only after the outermost transaction has committed. */
  emit(envelope: Envelope): void;
  /**
   * The context for a domain write called inside this one (e.g. starting the meeting while starting its call):
   * that write joins this transaction, and its events wait for this write's commit.
   */
  nested<C extends WriteContext>(ctx: C): Omit<C, 'db' | 'write'> & JoinedWrite;
}

/** A context whose writes join an enclosing write: its transaction, and its queue of events. */
export interface JoinedWrite {
  db: Tx;
  hub: RealtimeHub;
  write: WriteScope;
}

/** What a write runs on: the app's database (a transaction of its own), or an enclosing write it joins. */
export type WriteContext = Pick<AppContext, 'db' | 'hub'> | JoinedWrite;

class Scope implements WriteScope {
  readonly events: Envelope[] = [];
  audited = false;

  constructor(
    readonly tx: Tx,
    readonly actorUserId: string | null,
  ) {}

  audit = async (input: Omit<AuditInput, 'actorUserId'>): Promise<void> => {
    this.audited = true;
    await appendAudit(this.tx, { ...input, actorUserId: this.actorUserId });
  };

  emit = (envelope: Envelope): void => {
    this.events.push(envelope);
  };

  nested<C extends WriteContext>(ctx: C): Omit<C, 'db' | 'write'> & JoinedWrite {
    const joined: JoinedWrite = { hub: ctx.hub, db: this.tx, write: this };
    return { ...ctx, ...joined };
  }
}

async function body<T>(scope: Scope, fn: (scope: WriteScope) => Promise<T>): Promise<T> {
  const value = await fn(scope);
  if (!scope.audited) throw new Error('runWrite: a write must append at least one audit entry');
  return value;
}

/**
 * Every write goes through here: one transaction for the change and its audit entry, then events
 * (docs/architecture.md §3.3). The promise resolves only after COMMIT, so a 2xx is never sent for a write that
 * could still roll back. A write called with a nested context runs in a savepoint of the enclosing transaction: if
 * it fails, nothing of it stays even when the caller carries on; if it succeeds, its events join the enclosing
 * queue, so every event goes out once, in order, after the outermost commit, and none if that write fails later.
 */
export async function runWrite<T>(
  ctx: WriteContext,
  actorUserId: string | null,
  fn: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  if ('write' in ctx) {
    const outer = ctx.write;
    if (!(outer instanceof Scope)) throw new Error('runWrite: a nested write needs the scope runWrite made');
    return outer.tx.transaction(async (tx) => {
      const scope = new Scope(tx, actorUserId);
      const value = await body(scope, fn);
      outer.events.push(...scope.events);
      outer.audited = true;
      return value;
    });
  }
  let events: Envelope[] = [];
  const result = await ctx.db.transaction(async (tx) => {
    const scope = new Scope(tx, actorUserId);
    const value = await body(scope, fn);
    events = scope.events;
    return value;
  });
  for (const e of events) await ctx.hub.publish(e);
  return result;
}
