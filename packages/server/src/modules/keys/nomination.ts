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

/**
 * Timers behind the nominations: if no commit for the nominated epoch has arrived in time, the next member is
 * asked. Timers live in this process; the nomination itself is in the database, so a restart loses only the
 * fallback, and the next leave, removal or commit nominates again.
 */
export class Nominator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly ctx: AppContext,
    public timeoutMs: number,
  ) {}

  /** Each fallback for the same epoch waits twice as long, so an all-offline group is not polled forever. */
  schedule(n: Nomination | null, mlsGroupId?: string, attempt = 0): void {
    const id = n?.mlsGroupId ?? mlsGroupId;
    if (!id || this.closed) return;
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    if (!n) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        this.expire(n, attempt).catch((err) =>
          this.ctx.log.error({ err, mlsGroupId: id }, 'mls nomination fallback failed'),
        );
      },
      this.timeoutMs * 2 ** Math.min(attempt, 6),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  private async expire(n: Nomination, attempt: number): Promise<void> {
    if (this.closed) return;
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

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
