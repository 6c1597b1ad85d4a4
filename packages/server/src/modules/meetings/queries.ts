import { and, asc, eq, gt, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, type GroupFacts, type ItemFacts } from '../../policy/policy.js';
import { groups } from '../groups/schema.js';
import { agendaItems, meetingEvents, meetings } from './schema.js';

export type MeetingRow = typeof meetings.$inferSelect;
export type MeetingEventRow = typeof meetingEvents.$inferSelect;
export type AgendaItemRow = typeof agendaItems.$inferSelect;

/** What other modules (outcomes, readouts, tracks) need to know about a meeting to make policy decisions. */
export interface MeetingFacts {
  id: string;
  groupId: string;
  group: GroupFacts;
  /** The policy's view of the meeting as an item; pass it to `decide(actor, 'item.read', ...)`. */
  item: ItemFacts;
  title: string;
  status: MeetingRow['status'];
  format: MeetingRow['format'];
  start: Date;
  end: Date;
  timeZone: string;
  startedAt: Date | null;
  endedAt: Date | null;
}

const toFacts = (m: MeetingRow, g: { kind: 'group' | 'track'; parentGroupId: string | null }): MeetingFacts => {
  const group: GroupFacts = { id: m.groupId, kind: g.kind, parentGroupId: g.parentGroupId };
  return {
    id: m.id,
    groupId: m.groupId,
    group,
    item: { group, sideId: m.sideId, marking: m.marking },
    title: m.title,
    status: m.status,
    format: m.format,
    start: m.startsAt,
    end: m.endsAt,
    timeZone: m.timeZone,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
  };
};

/** The meeting with its group, or undefined; callers must still ask the policy before showing anything. */
export async function findMeetingFacts(db: DbOrTx, id: string): Promise<MeetingFacts | undefined> {
  const [row] = await db
    .select({ m: meetings, kind: groups.kind, parentGroupId: groups.parentGroupId })
    .from(meetings)
    .innerJoin(groups, eq(groups.id, meetings.groupId))
    .where(eq(meetings.id, id));
  return row ? toFacts(row.m, row) : undefined;
}

/**
 * Meetings of these groups that are still to come (planned or postponed, not yet ended), soonest first.
 * With an actor, only the meetings that actor may see.
 */
export async function upcomingMeetings(
  db: DbOrTx,
  groupIds: readonly string[],
  opts: { actor?: ActorFacts; now?: Date; limit?: number } = {},
): Promise<MeetingFacts[]> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .select({ m: meetings, kind: groups.kind, parentGroupId: groups.parentGroupId })
    .from(meetings)
    .innerJoin(groups, eq(groups.id, meetings.groupId))
    .where(
      and(
        inArray(meetings.groupId, [...groupIds]),
        inArray(meetings.status, ['planned', 'postponed']),
        gt(meetings.endsAt, opts.now ?? new Date()),
      ),
    )
    .orderBy(asc(meetings.startsAt));
  const facts = rows.map((r) => toFacts(r.m, r)).filter((f) => !opts.actor || canSeeItem(opts.actor, f.item));
  return opts.limit === undefined ? facts : facts.slice(0, opts.limit);
}

export const meetingItem = (m: MeetingRow, group: GroupFacts): ItemFacts => ({
  group,
  sideId: m.sideId,
  marking: m.marking,
});

/** Reads the row; inside a write transaction it also locks it, so concurrent transitions queue up. */
export async function findMeeting(db: DbOrTx, id: string, lock = false): Promise<MeetingRow> {
  const q = db.select().from(meetings).where(eq(meetings.id, id));
  const [m] = lock ? await q.for('update') : await q;
  if (!m) throw notFound('Meeting');
  return m;
}

export interface MeetingFilter {
  statuses?: readonly MeetingRow['status'][];
  from?: Date;
  to?: Date;
}

export async function meetingsOfGroup(db: DbOrTx, groupId: string, filter: MeetingFilter = {}): Promise<MeetingRow[]> {
  const conds: SQL[] = [eq(meetings.groupId, groupId)];
  if (filter.statuses?.length) conds.push(inArray(meetings.status, [...filter.statuses]));
  if (filter.from) conds.push(gte(meetings.endsAt, filter.from));
  if (filter.to) conds.push(lt(meetings.startsAt, filter.to));
  return db
    .select()
    .from(meetings)
    .where(and(...conds))
    .orderBy(asc(meetings.startsAt), asc(meetings.createdAt));
}

/** Every meeting in these groups, for the calendar feed (the caller filters by visibility). */
export async function meetingsOfGroups(db: DbOrTx, groupIds: readonly string[]): Promise<MeetingRow[]> {
  if (groupIds.length === 0) return [];
  return db
    .select()
    .from(meetings)
    .where(inArray(meetings.groupId, [...groupIds]))
    .orderBy(asc(meetings.startsAt));
}

export async function eventsOfMeeting(db: DbOrTx, meetingId: string): Promise<MeetingEventRow[]> {
  return db.select().from(meetingEvents).where(eq(meetingEvents.meetingId, meetingId)).orderBy(asc(meetingEvents.seq));
}

export async function agendaOfMeeting(db: DbOrTx, meetingId: string): Promise<AgendaItemRow[]> {
  return db
    .select()
    .from(agendaItems)
    .where(eq(agendaItems.meetingId, meetingId))
    .orderBy(asc(agendaItems.position), asc(agendaItems.createdAt));
}

export async function findAgendaItem(db: DbOrTx, meetingId: string, itemId: string): Promise<AgendaItemRow> {
  const [a] = await db
    .select()
    .from(agendaItems)
    .where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)));
  if (!a) throw notFound('Agenda item');
  return a;
}
