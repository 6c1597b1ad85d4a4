import type { AgendaItem, Meeting, MeetingEvent } from '@parley/protocol';
import type { DbOrTx } from '../../db/client.js';
import { type ActorFacts, canSeeItem, type GroupFacts, membershipIn } from '../../policy/policy.js';
import { userNames } from '../auth/queries.js';
import { buildRoster } from '../groups/roster.js';
import type { AgendaItemRow, MeetingEventRow, MeetingRow } from './queries.js';
import { phaseOf } from './state-machine.js';

export const meetingDto = (m: MeetingRow): Meeting => ({
  id: m.id,
  groupId: m.groupId,
  title: m.title,
  format: m.format,
  location: m.location,
  start: m.startsAt.toISOString(),
  end: m.endsAt.toISOString(),
  timeZone: m.timeZone,
  status: m.status,
  phase: phaseOf(m),
  marking: m.marking,
  sideId: m.sideId,
  icalUid: m.icalUid,
  sequence: m.sequence,
  startedAt: m.startedAt?.toISOString() ?? null,
  endedAt: m.endedAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

export const agendaItemDto = (a: AgendaItemRow): AgendaItem => ({
  id: a.id,
  meetingId: a.meetingId,
  position: a.position,
  title: a.title,
  notes: a.notes,
  marking: a.marking,
  sideId: a.sideId,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

/** The user ids whose names this reader may learn: the roster as the reader sees it (side-only delegates filtered). */
export async function visibleUserIds(db: DbOrTx, actor: ActorFacts, group: GroupFacts): Promise<Set<string>> {
  const roster = await buildRoster(db, actor, group);
  const ids = new Set<string>();
  for (const s of roster.sides)
    for (const a of s.agencies) for (const r of a.roles) for (const m of r.members) ids.add(m.userId);
  return ids;
}

/**
 * History entries with the actor's name where the reader may know the actor: someone on the reader's roster,
 * or anyone who acted for the reader's own side. Otherwise only the side shows (a side-only delegate of the
 * other side stays anonymous).
 */
export async function historyDto(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  rows: MeetingEventRow[],
): Promise<MeetingEvent[]> {
  const visible = await visibleUserIds(db, actor, group);
  const ownSide = membershipIn(actor, group.id)?.sideId ?? null;
  const named = rows.map((e) => e.actorUserId).filter((id): id is string => id !== null);
  const names = await userNames(db, [...new Set(named)]);
  return rows.map((e) => {
    const known =
      e.actorUserId !== null &&
      (visible.has(e.actorUserId) || (ownSide !== null && e.sideId === ownSide) || e.actorUserId === actor.userId);
    return {
      id: e.id,
      meetingId: e.meetingId,
      kind: e.kind,
      at: e.at.toISOString(),
      actorUserId: known ? e.actorUserId : null,
      actorName: known ? (names.get(e.actorUserId as string)?.displayName ?? null) : null,
      sideId: e.sideId,
      details: e.details,
    };
  });
}

/** Agenda items the reader may see, numbered 0..n-1 so hidden items leave no gap to count. */
export function visibleAgendaDto(actor: ActorFacts, group: GroupFacts, rows: AgendaItemRow[]): AgendaItem[] {
  return rows
    .filter((a) => canSeeItem(actor, { group, sideId: a.sideId, marking: a.marking }))
    .map((a, i) => agendaItemDto({ ...a, position: i }));
}
