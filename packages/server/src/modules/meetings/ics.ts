import type { Role } from '@parley/protocol';
import ical, {
  type ICalAttendeeData,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import type { DbOrTx } from '../../db/client.js';
import type { ActorFacts, GroupFacts } from '../../policy/policy.js';
import { buildRoster } from '../groups/roster.js';
import type { MeetingRow } from './queries.js';

const PROD_ID = { company: 'Parley', product: 'Parley', language: 'EN' };

const FORMAT_LABEL: Record<MeetingRow['format'], string> = {
  in_person: 'In person',
  video: 'Secure video (Parley)',
  hybrid: 'Hybrid: in person and secure video',
};

const ATTENDEE_ROLE: Record<Role, ICalAttendeeRole> = {
  chair: ICalAttendeeRole.CHAIR,
  member: ICalAttendeeRole.REQ,
  secretariat: ICalAttendeeRole.REQ,
  observer: ICalAttendeeRole.OPT,
};

export interface IcsContext {
  publicUrl: string;
  groupName: string;
}

const hostOf = (publicUrl: string) => {
  try {
    return new URL(publicUrl).hostname || 'parley.invalid';
  } catch {
    return 'parley.invalid';
  }
};

/**
 * Attendees are the meeting's people as this reader sees the roster: for a side-only meeting its own side,
 * otherwise everyone visible (never the other side's side-only delegates). Addresses the reader may not know
 * (another side's contacts) become a non-deliverable placeholder, since an ATTENDEE must carry an address.
 */
export async function attendeesFor(
  db: DbOrTx,
  reader: ActorFacts,
  group: GroupFacts,
  m: Pick<MeetingRow, 'sideId'>,
): Promise<ICalAttendeeData[]> {
  const roster = await buildRoster(db, reader, group);
  const out: ICalAttendeeData[] = [];
  for (const s of roster.sides) {
    if (m.sideId !== null && s.side.id !== m.sideId) continue;
    for (const a of s.agencies)
      for (const r of a.roles)
        for (const p of r.members) {
          out.push({
            name: p.displayName,
            email: p.email ?? `delegate-${p.id}@parley.invalid`,
            role: ATTENDEE_ROLE[p.role],
            status: ICalAttendeeStatus.NEEDSACTION,
          });
        }
  }
  return out;
}

function eventData(m: MeetingRow, c: IcsContext) {
  const url = `${c.publicUrl}/meetings/${m.id}`;
  return {
    id: m.icalUid,
    sequence: m.sequence,
    // Instants in UTC: correct everywhere without a VTIMEZONE; the planning zone travels as X-PARLEY-TZID.
    start: m.startsAt,
    end: m.endsAt,
    stamp: new Date(),
    created: m.createdAt,
    lastModified: m.updatedAt,
    summary: m.title,
    location: m.location || (m.format === 'video' ? FORMAT_LABEL.video : null),
    description: `${c.groupName}\n${FORMAT_LABEL[m.format]}\n${url}`,
    url,
    status:
      m.status === 'cancelled'
        ? ICalEventStatus.CANCELLED
        : m.status === 'postponed'
          ? ICalEventStatus.TENTATIVE
          : ICalEventStatus.CONFIRMED,
    x: { 'X-PARLEY-TZID': m.timeZone, 'X-PARLEY-FORMAT': m.format },
  };
}

/** An iTIP (RFC 5546) message for one meeting: REQUEST while it stands, CANCEL once cancelled. */
export function inviteIcs(m: MeetingRow, c: IcsContext, attendees: ICalAttendeeData[]): string {
  const cal = ical({
    prodId: PROD_ID,
    method: m.status === 'cancelled' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    name: m.title,
  });
  cal.createEvent({
    ...eventData(m, c),
    organizer: { name: c.groupName, email: `calendar@${hostOf(c.publicUrl)}` },
    attendees,
  });
  return cal.toString();
}

/**
 * A subscription feed (RFC 5545, no METHOD): every meeting the reader may see, cancelled ones kept with
 * STATUS:CANCELLED so subscribed clients strike them. No attendees: the feed URL is a bearer secret, so it
 * carries no more than it must.
 */
export function feedIcs(name: string, items: { meeting: MeetingRow; ctx: IcsContext }[]): string {
  const cal = ical({ prodId: PROD_ID, name, ttl: 15 * 60 });
  for (const { meeting, ctx } of items) cal.createEvent(eventData(meeting, ctx));
  return cal.toString();
}
