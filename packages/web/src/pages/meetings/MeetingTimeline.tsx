import type { Group, MeetingEvent, SpeakingTimeRecord } from '@parley/protocol';
import type { CSSProperties, ReactNode } from 'react';
import { LinkedBackChannelMessage } from '../../backchannel/LinkedMessage';
import { languageName } from '../../call/interpretation-api';
import { FORMAT_LABELS } from '../../components/lifecycle/badges';
import { formatDuration, formatSlot, formatWhen, zoneLabel } from '../../components/lifecycle/time';
import { t } from '../../i18n/intl';
import { sideById } from '../lifecycle-access';

const CHANNELS = { back_channel: 'through the back channel', official: 'through official channels' } as const;

/**
 * The meeting's append-only history in the order it was recorded (the server's order), so it reads as the story it
 * is: the lifecycle only moves forward, while `at` may lie before the recording (a meeting marked held afterwards
 * says when it really started), and sorting by it would put "started" ahead of the planning that led to it.
 */
export function MeetingTimeline({ history, group }: { history: MeetingEvent[]; group: Group }) {
  if (history.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <ol className="timeline" aria-label="History">
      {history.map((e) => {
        const side = sideById(group, e.sideId);
        return (
          <li
            key={e.id}
            className={`timeline__item timeline__item--${e.kind}`}
            data-event={e.kind}
            style={{ '--side': side?.colour ?? 'var(--border-strong)' } as CSSProperties}
          >
            <span className="timeline__dot" aria-hidden="true" />
            <div className="timeline__body">
              <p className="timeline__title">{title(e, group)}</p>
              <p className="timeline__meta">
                <time dateTime={e.at}>{formatWhen(e.at)}</time>
                {e.actorName ? (
                  <>
                    {' · '}
                    <span className="timeline__who">{e.actorName}</span>
                  </>
                ) : null}
                {side ? (
                  <>
                    {' · '}
                    <span className="timeline__side">{side.shortCode}</span>
                  </>
                ) : null}
              </p>
              <Details event={e} group={group} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function title(e: MeetingEvent, group: Group): string {
  const d = e.details;
  const sideName = (id: string) => sideById(group, id)?.name ?? 'another side';
  switch (d.kind) {
    case 'planned':
      return `Planned as ${FORMAT_LABELS[d.format].toLowerCase()} meeting`;
    case 'cancelled':
      return `Cancelled on behalf of ${sideName(d.bySideId)}`;
    case 're_requested':
      return `Re-requested by ${sideName(d.bySideId)} ${CHANNELS[d.channel]}`;
    case 'rescheduled':
      return 'Rescheduled';
    case 'format_changed':
      return `Moved from ${FORMAT_LABELS[d.from].toLowerCase()} to ${FORMAT_LABELS[d.to].toLowerCase()}`;
    case 'postponed':
      return `Postponed on behalf of ${sideName(d.bySideId)}`;
    case 'started':
      return 'Meeting started';
    case 'ended':
      return 'Meeting ended';
    case 'shared':
      return `Shared with every side by ${sideName(d.bySideId)} (it was side-only until then)`;
    case 'speaking_time':
      return 'Speaking time in the call';
    case 'interpreter_assigned':
    case 'interpreter_unassigned':
      return t(d.kind === 'interpreter_assigned' ? 'negotiation.historyAssigned' : 'negotiation.historyUnassigned', {
        name: d.name,
        side: sideById(group, d.sideId)?.shortCode ?? '',
        from: languageName(d.from),
        to: languageName(d.to),
      });
  }
}

function Details({ event, group }: { event: MeetingEvent; group: Group }) {
  const d = event.details;
  const rows: ReactNode[] = [];
  switch (d.kind) {
    case 'planned':
      rows.push(<Slot key="s" slot={d.slot} />);
      break;
    case 'cancelled':
      rows.push(<Reason key="r" text={d.reason} />);
      break;
    case 're_requested':
      if (d.channel === 'back_channel')
        rows.push(
          <p key="c" className="timeline__note">
            Arranged privately between the chairs; the message itself stays end-to-end encrypted.
          </p>,
        );
      if (d.channel === 'back_channel' && d.backChannelRef)
        rows.push(
          <LinkedBackChannelMessage key="l" group={group} bySideId={d.bySideId} backChannelRef={d.backChannelRef} />,
        );
      break;
    case 'rescheduled':
      rows.push(
        <div key="ft" className="timeline__change">
          <span className="timeline__from">
            <Slot slot={d.from} />
          </span>
          <span className="timeline__arrow flip-rtl" aria-hidden="true">
            →
          </span>
          <span className="visually-hidden">to</span>
          <span className="timeline__to">
            <Slot slot={d.to} />
          </span>
        </div>,
      );
      if (d.reason) rows.push(<Reason key="r" text={d.reason} />);
      break;
    case 'format_changed':
      rows.push(<Reason key="r" text={d.reason} />);
      break;
    case 'postponed':
      if (d.reason) rows.push(<Reason key="r" text={d.reason} />);
      break;
    case 'started':
      break;
    case 'ended':
      rows.push(
        <p key="d" className="timeline__note">
          Duration <strong>{formatDuration(d.durationMinutes)}</strong>
        </p>,
      );
      if (d.planned)
        rows.push(
          <p key="p" className="timeline__note">
            Had been planned for <Slot slot={d.planned} />
          </p>,
        );
      break;
    case 'shared':
      break;
    case 'speaking_time':
      rows.push(<SpeakingTime key="t" record={d} group={group} />);
      break;
    case 'interpreter_assigned':
    case 'interpreter_unassigned':
      break;
  }
  return rows.length ? <div className="timeline__details">{rows}</div> : null;
}

/** The call's speakers' list as it closed: each side's time (against its allowance) and each speaker's. */
function SpeakingTime({ record, group }: { record: SpeakingTimeRecord; group: Group }) {
  const side = (id: string) => sideById(group, id);
  return (
    <div className="timeline__speaking" data-testid="speaking-time">
      <table className="timeline__table">
        <caption className="visually-hidden">Speaking time per side</caption>
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col">Spoke</th>
            <th scope="col">Allowance</th>
          </tr>
        </thead>
        <tbody>
          {record.sides.map((s) => (
            <tr key={s.sideId} data-side-id={s.sideId}>
              <th scope="row">{side(s.sideId)?.name ?? 'Another side'}</th>
              <td>{minutesAndSeconds(s.seconds)}</td>
              <td>
                {s.allowanceSeconds === null ? '—' : minutesAndSeconds(s.allowanceSeconds)}
                {s.allowanceSeconds !== null && s.seconds > s.allowanceSeconds ? ' (exceeded)' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {record.speakers.length ? (
        <p className="timeline__note">
          {record.speakers
            .map((p) => `${p.name} (${side(p.sideId)?.shortCode ?? '?'}) ${minutesAndSeconds(p.seconds)}`)
            .join(' · ')}
        </p>
      ) : null}
    </div>
  );
}

function minutesAndSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

function Slot({ slot }: { slot: { start: string; end: string; timeZone: string } }) {
  return (
    <span className="timeline__slot">
      {formatSlot(slot.start, slot.end, slot.timeZone)}
      <span className="muted"> ({zoneLabel(slot.timeZone)})</span>
    </span>
  );
}

function Reason({ text }: { text: string }) {
  return (
    <blockquote className="timeline__reason">
      <span className="visually-hidden">Reason: </span>
      {text}
    </blockquote>
  );
}
