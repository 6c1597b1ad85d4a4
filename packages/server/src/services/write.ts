import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { type AuditInput, appendAudit } from '../modules/audit/chain.js';
import type { Envelope } from '../realtime/hub.js';

export interface WriteScope {
  tx: Tx;
  actorUserId: string | null;
  /** Records the change in the hash-chained audit log, in this same transaction. */
  audit(input: Omit<AuditInput, 'actorUserId'>): Promise<void>;
  /** Queues a realtime event; it goes out only after the transaction has committed. */
  emit(envelope: Envelope): void;
}

/**
 * Every write goes through here: one transaction for the change and its audit entry, then events.
 * The promise resolves only after COMMIT, so a 2xx is never sent for a write that could still roll back.
 */
export async function runWrite<T>(
  ctx: Pick<AppContext, 'db' | 'hub'>,
  actorUserId: string | null,
  fn: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  const events: Envelope[] = [];
  const result = await ctx.db.transaction(async (tx) => {
    let audited = false;
    const scope: WriteScope = {
      tx,
      actorUserId,
      audit: async (input) => {
        audited = true;
        await appendAudit(tx, { ...input, actorUserId });
      },
      emit: (e) => events.push(e),
    };
    const value = await fn(scope);
    if (!audited) throw new Error('runWrite: a write must append at least one audit entry');
    return value;
  });
  for (const e of events) await ctx.hub.publish(e);
  return result;
}
