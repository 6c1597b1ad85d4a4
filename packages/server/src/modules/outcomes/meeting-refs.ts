import type { Marking } from '@parley/protocol';
import type { DbOrTx } from '../../db/client.js';
import { fieldError } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, type GroupFacts } from '../../policy/policy.js';
import { findMeetingFacts, upcomingMeetings } from '../meetings/index.js';
import { findAgendaItem } from '../meetings/queries.js';

/**
 * What outcomes, readouts, statements and tracks need to know about meetings, asked of the meetings module
 * through its exported queries (modules never read each other's tables). One file to change if that API moves.
 */
export interface MeetingRef {
  id: string;
  groupId: string;
  sideId: string | null;
  marking: Marking;
  title: string;
  startsAt: Date;
  endsAt: Date | null;
  format: string;
  status: string;
}

export async function findMeetingRef(db: DbOrTx, id: string): Promise<MeetingRef | null> {
  const f = await findMeetingFacts(db, id);
  if (!f) return null;
  return {
    id: f.id,
    groupId: f.groupId,
    sideId: f.item.sideId,
    marking: f.item.marking,
    title: f.title,
    startsAt: f.start,
    endsAt: f.end,
    format: f.format,
    status: f.status,
  };
}

/** The next shared meeting of each group that is still to come, if any (a side's own meetings are not listed). */
export async function nextMeetingsOf(db: DbOrTx, groupIds: readonly string[]): Promise<Map<string, MeetingRef>> {
  const out = new Map<string, MeetingRef>();
  for (const f of await upcomingMeetings(db, groupIds)) {
    if (f.item.marking !== 'shared' || out.has(f.groupId)) continue;
    out.set(f.groupId, {
      id: f.id,
      groupId: f.groupId,
      sideId: f.item.sideId,
      marking: f.item.marking,
      title: f.title,
      startsAt: f.start,
      endsAt: f.end,
      format: f.format,
      status: f.status,
    });
  }
  return out;
}

/**
 * Checks a meeting / agenda item reference of a new or changed item: it must exist in the same group, be visible
 * to the writer, and a shared item may not point at a side-only one (the other side would learn its id).
 * Unknown and invisible targets get the same answer.
 */
export async function checkMeetingRefs(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  item: { marking: Marking; meetingId: string | null; agendaItemId: string | null },
): Promise<{ meetingId: string | null; agendaItemId: string | null }> {
  const { meetingId, agendaItemId } = item;
  if (agendaItemId && !meetingId)
    throw fieldError(400, 'body.meetingId', 'name the meeting of the agenda item', 'agenda_item_needs_meeting');
  if (!meetingId) return { meetingId: null, agendaItemId: null };
  const m = await findMeetingRef(db, meetingId);
  if (!m || m.groupId !== group.id || !canSeeItem(actor, { group, sideId: m.sideId, marking: m.marking }))
    throw fieldError(400, 'body.meetingId', 'no such meeting in this group', 'no_such_meeting');
  if (item.marking === 'shared' && m.marking !== 'shared')
    throw fieldError(
      400,
      'body.meetingId',
      'a shared entry cannot point at a side-only meeting',
      'shared_names_side_only',
    );
  if (agendaItemId) {
    const a = await findAgendaItem(db, meetingId, agendaItemId).catch(() => null);
    if (!a || !canSeeItem(actor, { group, sideId: a.sideId, marking: a.marking }))
      throw fieldError(400, 'body.agendaItemId', 'no such agenda item in this meeting', 'no_such_agenda_item');
    if (item.marking === 'shared' && a.marking !== 'shared')
      throw fieldError(
        400,
        'body.agendaItemId',
        'a shared entry cannot point at a side-only agenda item',
        'shared_names_side_only',
      );
  }
  return { meetingId, agendaItemId };
}
