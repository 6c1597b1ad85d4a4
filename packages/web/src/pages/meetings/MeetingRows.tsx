import type { Meeting } from '@parley/protocol';
import { Link } from 'react-router';
import { FormatLabel, PhaseBadge } from '../../components/lifecycle/badges';
import { browserZone, formatSlot, zoneLabel } from '../../components/lifecycle/time';
import { SideOnlyBadge } from '../../components/ui';
import { locale } from '../../i18n/intl';

/** Upcoming first (soonest at the top), then the past (most recent at the top). */
export function splitMeetings(meetings: Meeting[], now = Date.now()) {
  const upcoming = meetings
    .filter((m) => m.phase === 'in_progress' || (m.phase !== 'held' && Date.parse(m.end) >= now))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const past = meetings.filter((m) => !upcoming.includes(m)).sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  return { upcoming, past };
}

export function MeetingRows({
  meetings,
  groupNames,
  empty,
}: {
  meetings: Meeting[];
  /** Set on the cross-group page, where each row names its group. */
  groupNames?: Map<string, string>;
  empty: string;
}) {
  if (meetings.length === 0) return <p className="muted meeting-rows__empty">{empty}</p>;
  return (
    <ul className="meeting-rows">
      {meetings.map((m) => (
        <MeetingRow key={m.id} meeting={m} groupName={groupNames?.get(m.groupId)} />
      ))}
    </ul>
  );
}

function MeetingRow({ meeting: m, groupName }: { meeting: Meeting; groupName: string | undefined }) {
  const start = new Date(m.start);
  const zone = m.timeZone;
  const here = browserZone();
  const day = new Intl.DateTimeFormat(locale(), { day: 'numeric', timeZone: zone }).format(start);
  const month = new Intl.DateTimeFormat(locale(), { month: 'short', timeZone: zone }).format(start);
  const weekday = new Intl.DateTimeFormat(locale(), { weekday: 'short', timeZone: zone }).format(start);
  return (
    <li className={`meeting-row meeting-row--${m.phase}`} data-meeting={m.title}>
      <div className="meeting-row__date" aria-hidden="true">
        <span className="meeting-row__weekday">{weekday}</span>
        <span className="meeting-row__day">{day}</span>
        <span className="meeting-row__month">{month}</span>
      </div>
      <div className="meeting-row__main">
        <div className="meeting-row__title">
          <Link to={`/meetings/${m.id}`}>{m.title}</Link>
          {m.marking === 'side-only' ? <SideOnlyBadge /> : null}
        </div>
        <p className="meeting-row__when">
          {formatSlot(m.start, m.end, zone)}
          {zone !== here ? <span className="muted"> · {zoneLabel(zone)}</span> : null}
        </p>
        {groupName ? <p className="meeting-row__group">{groupName}</p> : null}
      </div>
      <div className="meeting-row__format">
        <FormatLabel format={m.format} />
        {m.location ? <span className="meeting-row__location">{m.location}</span> : null}
      </div>
      <div className="meeting-row__status">
        <PhaseBadge phase={m.phase} />
      </div>
    </li>
  );
}
