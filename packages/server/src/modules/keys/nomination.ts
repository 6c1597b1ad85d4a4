import { domainEvent } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { auditPlacement } from './contexts.js';
import { currentMembers, findMlsGroup, type MlsGroupRow, type MlsMemberRow, scopeOfGroup } from './mls-queries.js';
import { mlsGroups } from './schema.js';

export interface Nomination {
  mlsGroupId: string;
  deviceId: string;
  epoch: number;
}

/**
 * Picks the member device that should commit the pending removals now, records it on the group and tells it.
 * `after` set: the previous nominee did not commit in time, so the next one in leaf order is asked.
 * `prefer` set: a device that has just shown it is online (the last committer) is asked first.
 */
export async function nominateInTx(
  w: WriteScope,
  group: MlsGroupRow,
  members: readonly MlsMemberRow[],
  opts: { prefer?: string; after?: string } = {},
): Promise<Nomination | null> {
  const leaving = members.filter((m) => m.status === 'leaving' && m.leafIndex !== null);
  const candidates = members.filter((m) => m.status === 'active');
  if (leaving.length === 0 || candidates.length === 0) {
    if (group.nomineeDeviceId)
      await w.tx
        .update(mlsGroups)
        .set({ nomineeDeviceId: null, nominatedEpoch: null })
        .where(eq(mlsGroups.id, group.id));
    return null;
  }
  let pick = candidates.find((c) => c.deviceId === opts.prefer);
  if (!pick && opts.after) {
    const i = candidates.findIndex((c) => c.deviceId === opts.after);
    pick = candidates[(i + 1) % candidates.length];
  }
  pick ??= candidates[0]!;
  await w.tx
    .update(mlsGroups)
    .set({ nomineeDeviceId: pick.deviceId, nominatedEpoch: group.epoch })
    .where(eq(mlsGroups.id, group.id));
  w.emit({
    topic: `mls:${group.id}`,
    event: domainEvent('mls.commit-requested', {
      groupId: group.groupId,
      resourceType: 'mls-group',
      resourceId: group.id,
      data: {
        mlsGroupId: group.id,
        deviceId: pick.deviceId,
        epoch: group.epoch,
        remove: leaving.map((m) => ({ deviceId: m.deviceId, leafIndex: m.leafIndex! })),
      },
    }),
    audience: { userId: pick.userId },
  });
  return { mlsGroupId: group.id, deviceId: pick.deviceId, epoch: group.epoch };
}

const JOB = 'mls-nomination';

interface Fallback {
  n: Nomination;
  attempt: number;
}

/**
 * Timers behind the nominations: if no commit for the nominated epoch has arrived in time, the next member is
 * asked. The timers are the cluster's delayed jobs: with several nodes, a fallback fires on exactly one of them,
 * also when the node that nominated is gone. The nomination itself is in the database, and the fallback re-checks
 * it under a row lock, so a stale or repeated timer changes nothing.
 */
export class Nominator {
  private closed = false;
  private readonly unhandle: () => void;

  constructor(
    private readonly ctx: AppContext,
    public timeoutMs: number,
  ) {
    this.unhandle = ctx.cluster.jobs.handle(JOB, async (payload) => {
      const { n, attempt } = payload as Fallback;
      if (!this.closed) await this.expire(n, attempt);
    });
  }

  /** Each fallback for the same epoch waits twice as long, so an all-offline group is not polled forever. */
  schedule(n: Nomination | null, mlsGroupId?: string, attempt = 0): void {
    const id = n?.mlsGroupId ?? mlsGroupId;
    if (!id || this.closed) return;
    const jobs = this.ctx.cluster.jobs;
    const fallback: Fallback | null = n ? { n, attempt } : null;
    (fallback
      ? jobs.schedule(JOB, id, fallback, this.timeoutMs * 2 ** Math.min(attempt, 6))
      : jobs.cancel(JOB, id)
    ).catch((err) => this.ctx.log.error({ err, mlsGroupId: id }, 'mls nomination timer failed'));
  }

  private async expire(n: Nomination, attempt: number): Promise<void> {
    const current = await findMlsGroup(this.ctx.db, n.mlsGroupId);
    // A commit for that epoch arrived (or someone re-nominated): nothing to fall back from.
    if (!current || current.epoch !== n.epoch || current.nomineeDeviceId !== n.deviceId) return;
    const next = await runWrite(this.ctx, null, async (w) => {
      const group = await findMlsGroup(w.tx, n.mlsGroupId, true);
      if (!group || group.epoch !== n.epoch || group.nomineeDeviceId !== n.deviceId) return null;
      const scope = await scopeOfGroup(w.tx, group);
      const nomination = await nominateInTx(w, group, await currentMembers(w.tx, group.id), { after: n.deviceId });
      await w.audit({
        ...auditPlacement(scope, { userId: null, isAdmin: false, memberships: [] }),
        action: 'mls.nominate',
        resourceType: 'mls-group',
        resourceId: group.id,
        before: { deviceId: n.deviceId, epoch: n.epoch },
        after: nomination,
      });
      return nomination;
    });
    this.schedule(next, n.mlsGroupId, next?.epoch === n.epoch ? attempt + 1 : 0);
  }

  /** This node stops running fallbacks; in a cluster the others take them over. */
  close(): void {
    this.closed = true;
    this.unhandle();
  }
}
