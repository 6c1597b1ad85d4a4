import { domainEvent, type FloorEvent } from '@parley/protocol';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, notFound, withCode } from '../../http/errors.js';
import { runWrite, type WriteContext, type WriteScope } from '../../services/write.js';
import type { CallPerson } from '../calls/index.js';
import { type MeetingFacts, recordSpeakingTime } from '../meetings/index.js';
import { type FloorRow, floorOf, openTurn, queueOf, totals, turnsOfCall } from './queries.js';
import { floorQueue, floors, floorTurns } from './schema.js';

type Ctx = WriteContext & Pick<AppContext, 'config'>;
/** Whom a queue entry or a turn is about: a person as the call shows them. */
type Person = Pick<CallPerson, 'userId' | 'displayName' | 'sideId'>;

/** Every change locks the list's row first, so two chairs pressing "next" at once give the floor once. */
async function lockFloor(w: WriteScope, meetingId: string): Promise<FloorRow> {
  await w.tx.insert(floors).values({ meetingId }).onConflictDoNothing();
  const [row] = await w.tx.select().from(floors).where(eq(floors.meetingId, meetingId)).for('update');
  return row!;
}

/** Bumps the version, audits the change and announces it on the meeting's topic (ids only, never names). */
async function changed(
  w: WriteScope,
  facts: MeetingFacts,
  floor: FloorRow,
  kind: FloorEvent['kind'],
  userId: string | null,
  after: Record<string, unknown>,
  set: Partial<typeof floors.$inferInsert> = {},
): Promise<void> {
  const version = floor.version + 1;
  await w.tx
    .update(floors)
    .set({ ...set, version, updatedAt: new Date() })
    .where(eq(floors.meetingId, facts.id));
  await w.audit({
    action: kind,
    resourceType: 'floor',
    resourceId: facts.id,
    groupId: facts.groupId,
    sideId: facts.item.sideId,
    marking: facts.item.marking,
    after: { ...after, ...(userId ? { userId } : {}), version },
  });
  const event = domainEvent(kind, {
    groupId: facts.groupId,
    resourceType: 'floor',
    resourceId: facts.id,
    data: { version, userId },
  });
  w.emit({ topic: `meeting:${facts.id}`, event, audience: { item: facts.item } });
}

/** Puts a name at the end of the queue: the person's own hand, or a chair (`addedBy`) writing them down. */
export function enqueue(ctx: Ctx, facts: MeetingFacts, who: Person, addedBy: string | null, actor: string) {
  return runWrite(ctx, actor, async (w) => {
    const floor = await lockFloor(w, facts.id);
    const [row] = await w.tx
      .insert(floorQueue)
      .values({ meetingId: facts.id, userId: who.userId, displayName: who.displayName, sideId: who.sideId, addedBy })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw withCode(
        conflict(`${addedBy ? `${who.displayName} is` : 'You are'} already on the speakers' list`),
        addedBy ? 'already_on_speakers_list' : 'you_already_on_speakers_list',
      );
    await changed(w, facts, floor, 'floor.hand_raised', who.userId, { addedBy });
  });
}

/** Takes a name off the queue (a lowered hand, or a chair striking it); 404 when it is not there. */
export function dequeue(ctx: Ctx, facts: MeetingFacts, userId: string, actor: string) {
  return runWrite(ctx, actor, async (w) => {
    const floor = await lockFloor(w, facts.id);
    const gone = await w.tx
      .delete(floorQueue)
      .where(and(eq(floorQueue.meetingId, facts.id), eq(floorQueue.userId, userId)))
      .returning();
    if (gone.length === 0) throw notFound("Name on the speakers' list");
    await changed(w, facts, floor, 'floor.hand_lowered', userId, {});
  });
}

async function closeOpenTurn(w: WriteScope, meetingId: string, at: Date): Promise<boolean> {
  const ended = await w.tx
    .update(floorTurns)
    .set({ endedAt: at })
    .where(and(eq(floorTurns.meetingId, meetingId), isNull(floorTurns.endedAt)))
    .returning();
  return ended.length > 0;
}

/**
 * Gives the floor to the named person (whether queued or not) or, with `to` null, to the first in the queue. Whoever
 * spoke before yields: their turn ends now. The new speaker leaves the queue.
 */
export function giveFloor(
  ctx: Ctx,
  facts: MeetingFacts,
  callId: string,
  to: Person | null,
  actor: string,
): Promise<Person> {
  return runWrite(ctx, actor, async (w) => {
    const floor = await lockFloor(w, facts.id);
    const speaker = to ?? (await queueOf(w.tx, facts.id))[0];
    if (!speaker) throw withCode(conflict('Nobody is waiting for the floor'), 'nobody_waiting');
    const at = new Date();
    await closeOpenTurn(w, facts.id, at);
    await w.tx.delete(floorQueue).where(and(eq(floorQueue.meetingId, facts.id), eq(floorQueue.userId, speaker.userId)));
    await w.tx.insert(floorTurns).values({
      meetingId: facts.id,
      callId,
      userId: speaker.userId,
      displayName: speaker.displayName,
      sideId: speaker.sideId,
      givenBy: actor,
      startedAt: at,
    });
    await changed(w, facts, floor, 'floor.given', speaker.userId, { callId });
    return speaker;
  });
}

/** A chair takes the floor back: the current turn ends and nobody has the floor. */
export function takeFloor(ctx: Ctx, facts: MeetingFacts, actor: string) {
  return runWrite(ctx, actor, async (w) => {
    const floor = await lockFloor(w, facts.id);
    const turn = await openTurn(w.tx, facts.id);
    if (!turn) throw withCode(conflict('Nobody has the floor'), 'nobody_has_floor');
    await closeOpenTurn(w, facts.id, new Date());
    await changed(w, facts, floor, 'floor.taken', turn.userId, {});
  });
}

export function setAllowance(ctx: Ctx, facts: MeetingFacts, sideId: string, seconds: number | null, actor: string) {
  return runWrite(ctx, actor, async (w) => {
    const floor = await lockFloor(w, facts.id);
    const allowances = { ...floor.allowances };
    if (seconds === null) delete allowances[sideId];
    else allowances[sideId] = seconds;
    await changed(w, facts, floor, 'floor.allowance_set', null, { sideId, seconds }, { allowances });
  });
}

/**
 * The call ended (in the transaction that records its end): the running turn stops, the time per side and per
 * speaker joins the meeting's history, and the list is cleared for a later call.
 */
export async function closeFloor(
  ctx: Ctx,
  end: { facts: MeetingFacts; callId: string; at: Date; endedBy: string | null },
): Promise<void> {
  const { facts, callId, at } = end;
  // A meeting whose list nobody ever touched has nothing to close or record.
  if (facts.item.marking !== 'shared' || !(await floorOf(ctx.db, facts.id))) return;
  await runWrite(ctx, end.endedBy, async (w) => {
    const floor = await lockFloor(w, facts.id);
    await closeOpenTurn(w, facts.id, at);
    const turns = await turnsOfCall(w.tx, callId);
    const queued = await w.tx.delete(floorQueue).where(eq(floorQueue.meetingId, facts.id)).returning();
    if (turns.length > 0) {
      const spent = totals(turns, at);
      const sideIds = new Set([...spent.sides.keys(), ...Object.keys(floor.allowances)]);
      await recordSpeakingTime(
        w.nested(ctx),
        end.endedBy,
        facts.group,
        facts.id,
        {
          sides: [...sideIds].map((sideId) => ({
            sideId,
            seconds: spent.sides.get(sideId) ?? 0,
            allowanceSeconds: floor.allowances[sideId] ?? null,
          })),
          speakers: spent.speakers.map((s) => ({
            userId: s.userId,
            name: s.displayName,
            sideId: s.sideId,
            seconds: s.spokenSeconds,
          })),
        },
        at,
      );
    }
    await changed(
      w,
      facts,
      floor,
      'floor.closed',
      null,
      { callId, turns: turns.length, queued: queued.length },
      {
        allowances: {},
      },
    );
  });
}
