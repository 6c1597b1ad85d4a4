import type { FloorSideTime, FloorSpeakerTime, FloorState } from '@parley/protocol';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { sidesOf } from '../groups/queries.js';
import type { MeetingFacts } from '../meetings/index.js';
import { floorQueue, floors, floorTurns } from './schema.js';

export type FloorRow = typeof floors.$inferSelect;
export type QueueRow = typeof floorQueue.$inferSelect;
export type TurnRow = typeof floorTurns.$inferSelect;

export async function floorOf(db: DbOrTx, meetingId: string): Promise<FloorRow | undefined> {
  const [row] = await db.select().from(floors).where(eq(floors.meetingId, meetingId));
  return row;
}

export function queueOf(db: DbOrTx, meetingId: string): Promise<QueueRow[]> {
  return db.select().from(floorQueue).where(eq(floorQueue.meetingId, meetingId)).orderBy(asc(floorQueue.seq));
}

export async function openTurn(db: DbOrTx, meetingId: string): Promise<TurnRow | undefined> {
  const [row] = await db
    .select()
    .from(floorTurns)
    .where(and(eq(floorTurns.meetingId, meetingId), isNull(floorTurns.endedAt)));
  return row;
}

export function turnsOfCall(db: DbOrTx, callId: string): Promise<TurnRow[]> {
  return db.select().from(floorTurns).where(eq(floorTurns.callId, callId)).orderBy(asc(floorTurns.startedAt));
}

const seconds = (t: TurnRow, until: Date) =>
  Math.max(0, Math.round(((t.endedAt ?? until).getTime() - t.startedAt.getTime()) / 1000));

/**
 * Time per side and per speaker over a call's turns. `until` closes a turn still open (the end of the call);
 * without it an open turn counts nothing, since screens add the running turn from its start themselves.
 */
export function totals(turns: TurnRow[], until?: Date): { sides: Map<string, number>; speakers: FloorSpeakerTime[] } {
  const sides = new Map<string, number>();
  const speakers = new Map<string, FloorSpeakerTime>();
  for (const t of turns) {
    if (!t.endedAt && !until) continue;
    const s = seconds(t, until ?? new Date());
    sides.set(t.sideId, (sides.get(t.sideId) ?? 0) + s);
    const prev = speakers.get(t.userId);
    speakers.set(t.userId, {
      userId: t.userId,
      displayName: t.displayName,
      sideId: t.sideId,
      spokenSeconds: (prev?.spokenSeconds ?? 0) + s,
    });
  }
  return { sides, speakers: [...speakers.values()] };
}

/** The list as every participant sees it (only shared meetings have one, so everyone sees the same). */
export async function floorState(db: DbOrTx, facts: MeetingFacts, callId: string | null): Promise<FloorState> {
  const [floor, queue, speaker, groupSides, turns] = await Promise.all([
    floorOf(db, facts.id),
    queueOf(db, facts.id),
    openTurn(db, facts.id),
    sidesOf(db, [facts.groupId]),
    callId ? turnsOfCall(db, callId) : Promise.resolve([]),
  ]);
  const spent = totals(turns);
  const allowances = floor?.allowances ?? {};
  const sides: FloorSideTime[] = groupSides.map((s) => ({
    sideId: s.id,
    spokenSeconds: spent.sides.get(s.id) ?? 0,
    allowanceSeconds: allowances[s.id] ?? null,
  }));
  return {
    meetingId: facts.id,
    version: floor?.version ?? 0,
    callRunning: callId !== null,
    queue: queue.map((q) => ({
      userId: q.userId,
      displayName: q.displayName,
      sideId: q.sideId,
      since: q.since.toISOString(),
      addedByChair: q.addedBy !== null,
    })),
    speaker:
      speaker && speaker.callId === callId
        ? {
            userId: speaker.userId,
            displayName: speaker.displayName,
            sideId: speaker.sideId,
            since: speaker.startedAt.toISOString(),
          }
        : null,
    sides,
    speakers: spent.speakers,
    now: new Date().toISOString(),
  };
}
