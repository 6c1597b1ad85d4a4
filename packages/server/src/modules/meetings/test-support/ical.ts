import ICAL from 'ical.js';

export interface ParsedEvent {
  uid: string;
  sequence: number;
  status: string | null;
  summary: string;
  start: Date;
  end: Date;
  startIsUtc: boolean;
  organizer: string | null;
  attendees: { name: string | null; address: string; role: string | null }[];
}

export interface ParsedCalendar {
  method: string | null;
  events: ParsedEvent[];
}

/** Parses with ical.js (an independent implementation), so tests check what a calendar client would read. */
export function parseIcs(text: string): ParsedCalendar {
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== 'vcalendar') throw new Error(`not a VCALENDAR: ${root.name}`);
  const method = root.getFirstPropertyValue('method');
  return {
    method: method === null ? null : String(method),
    events: root.getAllSubcomponents('vevent').map((ev) => {
      const start = ev.getFirstPropertyValue('dtstart') as ICAL.Time;
      const end = ev.getFirstPropertyValue('dtend') as ICAL.Time;
      const status = ev.getFirstPropertyValue('status');
      const organizer = ev.getFirstPropertyValue('organizer');
      return {
        uid: String(ev.getFirstPropertyValue('uid')),
        sequence: Number(ev.getFirstPropertyValue('sequence') ?? 0),
        status: status === null ? null : String(status),
        summary: String(ev.getFirstPropertyValue('summary')),
        start: start.toJSDate(),
        end: end.toJSDate(),
        startIsUtc: start.zone?.tzid === 'UTC',
        organizer: organizer === null ? null : String(organizer),
        attendees: ev.getAllProperties('attendee').map((p) => ({
          name: (p.getParameter('cn') as string | undefined) ?? null,
          address: String(p.getFirstValue()),
          role: (p.getParameter('role') as string | undefined) ?? null,
        })),
      };
    }),
  };
}
