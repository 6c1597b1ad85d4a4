import { mlsContext } from '@parley/protocol';
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { conflict, withCode } from '../../http/errors.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { retireKeys } from '../keys/index.js';
import type { MeetingFacts } from '../meetings/index.js';
import type { Placement } from './placement.js';
import { calls } from './schema.js';
import type { Ctx } from './service.js';

export type CaucusRow = typeof calls.$inferSelect & { parentCallId: string; sideId: string };

/** A caucus's records belong to its side only: the other side's history and audit never show them. */
const sidePlacement = (facts: MeetingFacts, sideId: string) => ({
  groupId: facts.groupId,
  sideId,
  marking: 'side-only' as const,
});

export const caucusContext = (meetingId: string, sideId: string) =>
  mlsContext({ kind: 'caucus-call', meetingId, sideId });

export async function openCaucusRow(db: DbOrTx, parentCallId: string, sideId: string): Promise<CaucusRow | undefined> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.parentCallId, parentCallId), eq(calls.sideId, sideId), isNull(calls.endedAt)));
  return row as CaucusRow | undefined;
}

export async function openCaucusRows(db: DbOrTx, parentCallId: string): Promise<CaucusRow[]> {
  const rows = await db
    .select()
    .from(calls)
    .where(and(eq(calls.parentCallId, parentCallId), isNull(calls.endedAt)));
  return rows as CaucusRow[];
}

/**
 * A side's chair opens the side's caucus during the plenary (409 when one is open already). A caucus that ended
 * before retired its MLS group, so this one starts a new group with fresh keys (docs/call-keys.md §12).
 */
export async function recordCaucusOpen(
  ctx: Ctx,
  userId: string,
  facts: MeetingFacts,
  parentCallId: string,
  sideId: string,
  where: Placement,
  at: Date,
): Promise<CaucusRow> {
  return runWrite(ctx, userId, async (w) => {
    const [row] = await w.tx
      .insert(calls)
      .values({
        meetingId: facts.id,
        roomId: where.room,
        janusNode: where.node,
        startedBy: userId,
        startedAt: at,
        parentCallId,
        sideId,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw withCode(conflict('Your side’s caucus is already open'), 'caucus_open');
    await w.audit({
      ...sidePlacement(facts, sideId),
      action: 'call.caucus_open',
      resourceType: 'call',
      resourceId: row.id,
      after: { meetingId: facts.id, parentCallId, startedAt: at.toISOString() },
    });
    return row as CaucusRow;
  });
}

/** A chair calls the caucus's participants back to the plenary; recorded, with the side only. */
export async function recordCaucusRecall(ctx: Ctx, userId: string, facts: MeetingFacts, caucus: CaucusRow) {
  await runWrite(ctx, userId, (w) =>
    w.audit({
      ...sidePlacement(facts, caucus.sideId),
      action: 'call.caucus_recall',
      resourceType: 'call',
      resourceId: caucus.id,
      after: { meetingId: facts.id, at: new Date().toISOString() },
    }),
  );
}

/** A chair closes the caucus: the row ends and its MLS group is retired in the same write. */
export async function recordCaucusClose(ctx: Ctx, userId: string, facts: MeetingFacts, caucus: CaucusRow) {
  return runWrite(ctx, userId, async (w) => {
    const ended = await endCaucus(ctx, w, facts, caucus, new Date(), userId);
    if (!ended) throw withCode(conflict('Your side’s caucus is closed already'), 'caucus_closed');
  });
}

/** Ends every open caucus of a call that ends (inside its write). */
export async function endCaucusesOf(
  ctx: Ctx,
  w: WriteScope,
  facts: MeetingFacts,
  parentCallId: string,
  at: Date,
  endedBy: string | null,
): Promise<void> {
  for (const caucus of await openCaucusRows(w.tx, parentCallId)) await endCaucus(ctx, w, facts, caucus, at, endedBy);
}

async function endCaucus(
  ctx: Ctx,
  w: WriteScope,
  facts: MeetingFacts,
  caucus: CaucusRow,
  at: Date,
  endedBy: string | null,
): Promise<boolean> {
  const [row] = await w.tx
    .update(calls)
    .set({ endedAt: at, endedBy })
    .where(and(eq(calls.id, caucus.id), isNull(calls.endedAt)))
    .returning();
  if (!row) return false;
  await w.audit({
    ...sidePlacement(facts, caucus.sideId),
    action: 'call.caucus_close',
    resourceType: 'call',
    resourceId: caucus.id,
    after: { meetingId: facts.id, endedAt: at.toISOString() },
  });
  // Nobody who was in this caucus holds the keys of the next one (docs/call-keys.md §12).
  await retireKeys(w.nested(ctx), caucusContext(facts.id, caucus.sideId));
  return true;
}
