import { mlsContext } from '@parley/protocol';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { conflict, withCode } from '../../http/errors.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { retireKeys } from '../keys/index.js';
import { findMeetingFacts, type MeetingFacts } from '../meetings/index.js';
import { endMeeting, type MeetingActor, startMeeting } from '../meetings/service.js';
import { endCaucusesOf } from './caucus-service.js';
import { callEndHooks } from './end-hooks.js';
import type { Placement } from './placement.js';
import { calls } from './schema.js';

export type CallRow = typeof calls.$inferSelect;
export type Ctx = Pick<AppContext, 'db' | 'hub' | 'config'>;

export async function activeCall(db: DbOrTx, meetingId: string): Promise<CallRow | undefined> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.meetingId, meetingId), isNull(calls.endedAt), isNull(calls.parentCallId)));
  return row;
}

export const placement = (facts: MeetingFacts) => ({
  groupId: facts.groupId,
  sideId: facts.item.sideId,
  marking: facts.item.marking,
});

/**
 * Starting the call starts the meeting: one transaction records the call and the meeting's `started` event, so
 * the history never shows a call without its meeting under way (or the reverse).
 */
export async function recordCallStart(
  ctx: Ctx,
  who: MeetingActor,
  facts: MeetingFacts,
  where: Placement,
  at: Date,
): Promise<CallRow> {
  if (facts.format === 'in_person')
    throw withCode(
      conflict('An in-person meeting has no call; change its format to video or hybrid first'),
      'in_person_no_call',
    );
  return runWrite(ctx, who.userId, async (w) => {
    const [row] = await w.tx
      .insert(calls)
      .values({ meetingId: facts.id, roomId: where.room, janusNode: where.node, startedBy: who.userId, startedAt: at })
      .onConflictDoNothing()
      .returning();
    if (!row) throw withCode(conflict('The call of this meeting is already running'), 'call_running');
    await w.audit({
      ...placement(facts),
      action: 'call.start',
      resourceType: 'call',
      resourceId: row.id,
      after: { meetingId: facts.id, startedAt: at.toISOString() },
    });
    // The meetings service checks the meeting is planned and not yet started (409 otherwise) and keeps its history.
    await startMeeting(w.nested(ctx), who, facts.group, facts.id, { at });
    return row;
  });
}

/** Ends the call and, if it is still under way, the meeting (the `ended` event carries the real duration). */
export async function recordCallEnd(ctx: Ctx, who: MeetingActor, facts: MeetingFacts, at: Date): Promise<CallRow> {
  return runWrite(ctx, who.userId, async (w) => {
    const row = await markEnded(ctx, w, facts, at, who.userId, {});
    const current = await findMeetingFacts(w.tx, facts.id);
    if (current?.startedAt && !current.endedAt) await endMeeting(w.nested(ctx), who, facts.group, facts.id, { at });
    return row;
  });
}

/**
 * The meeting itself was ended, cancelled or postponed through its lifecycle while its call ran: the call ends with
 * it. No person ended the call, so the audit entry has no actor and names the meeting's change. Null when no call
 * of the meeting was running (e.g. the call was ended first, which is what ended the meeting).
 */
export async function recordCallEndWithMeeting(ctx: Ctx, meetingId: string, because: string): Promise<CallRow | null> {
  if (!(await activeCall(ctx.db, meetingId))) return null;
  const facts = await findMeetingFacts(ctx.db, meetingId);
  if (!facts) return null;
  const at = new Date();
  return runWrite(ctx, null, (w) => markEnded(ctx, w, facts, at, null, { because }));
}

/**
 * Marks the running call of the meeting ended and audits it (409 if none is running). The call's keys end with it:
 * a later call of the meeting is keyed by a new MLS group (docs/call-keys.md §6.4).
 */
async function markEnded(
  ctx: Ctx,
  w: WriteScope,
  facts: MeetingFacts,
  at: Date,
  endedBy: string | null,
  extra: Record<string, string>,
): Promise<CallRow> {
  const [row] = await w.tx
    .update(calls)
    .set({ endedAt: at, endedBy })
    .where(and(eq(calls.meetingId, facts.id), isNull(calls.endedAt), isNull(calls.parentCallId)))
    .returning();
  if (!row) throw withCode(conflict('The call of this meeting is not running'), 'call_not_running');
  // Its caucuses end with it, each audited with its own side only.
  await endCaucusesOf(ctx, w, facts, row.id, at, endedBy);
  await w.audit({
    ...placement(facts),
    action: 'call.end',
    resourceType: 'call',
    resourceId: row.id,
    after: { meetingId: facts.id, endedAt: at.toISOString(), ...extra },
  });
  await retireKeys(w.nested(ctx), mlsContext({ kind: 'call', meetingId: facts.id }));
  for (const hook of callEndHooks(ctx)) await hook(w.nested(ctx), { facts, callId: row.id, at, endedBy });
  return row;
}
