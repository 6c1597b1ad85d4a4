import type { Group, MeetingEvent, SpeakingTimeRecord } from '@parley/protocol';
import type { CSSProperties, ReactNode } from 'react';
import { LinkedBackChannelMessage } from '../../backchannel/LinkedMessage';
import { languageName } from '../../call/interpretation-api';
import { formatDuration, formatSlot, formatWhen, zoneLabel } from '../../components/lifecycle/time';
import { useT } from '../../i18n/I18nProvider';
import { locale, t } from '../../i18n/intl';
import { sideById } from '../lifecycle-access';

/**
 * The meeting's append-only history in the order it was recorded (the server's order), so it reads as the story it
 * is: the lifecycle only moves forward, while `at` may lie before the recording (a meeting marked held afterwards
 * says when it really started), and sorting by it would put "started" ahead of the planning that led to it.
 */
export function MeetingTimeline({ history, group }: { history: MeetingEvent[]; group: Group }) {
  const t = useT();
  if (history.length === 0) return <p className="muted">{t('meetings.timelineEmpty')}</p>;
  return (
    <ol className="timeline" aria-label={t('meetings.history')}>
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
  const sideName = (id: string) => sideById(group, id)?.name ?? t('meetings.anotherSide');
  switch (d.kind) {
    case 'planned':
      return t('meetings.ev_planned', { format: d.format });
    case 'cancelled':
      return t('meetings.ev_cancelled', { side: sideName(d.bySideId) });
    case 're_requested':
      return t('meetings.ev_re_requested', { side: sideName(d.bySideId), channel: d.channel });
    case 'rescheduled':
      return t('meetings.ev_rescheduled');
    case 'format_changed':
      return t('meetings.ev_format_changed', { from: d.from, to: d.to });
    case 'postponed':
      return t('meetings.ev_postponed', { side: sideName(d.bySideId) });
    case 'started':
      return t('meetings.ev_started');
    case 'ended':
      return t('meetings.ev_ended');
    case 'shared':
      return t('meetings.ev_shared', { side: sideName(d.bySideId) });
    case 'speaking_time':
      return t('meetings.ev_speaking_time');
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
  const t = useT();
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
            {t('meetings.ev_backChannelNote')}
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
          <span className="visually-hidden">{t('meetings.ev_to')}</span>
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
          {t('meetings.ev_duration')} <strong>{formatDuration(d.durationMinutes)}</strong>
        </p>,
      );
      if (d.planned)
        rows.push(
          <p key="p" className="timeline__note">
            {t('meetings.ev_plannedFor')} <Slot slot={d.planned} />
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
  const t = useT();
  const side = (id: string) => sideById(group, id);
  return (
    <div className="timeline__speaking" data-testid="speaking-time">
      <table className="timeline__table">
        <caption className="visually-hidden">{t('meetings.speakingPerSide')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('meetings.speakingSide')}</th>
            <th scope="col">{t('meetings.speakingSpoke')}</th>
            <th scope="col">{t('meetings.speakingAllowance')}</th>
          </tr>
        </thead>
        <tbody>
          {record.sides.map((s) => (
            <tr key={s.sideId} data-side-id={s.sideId}>
              <th scope="row">{side(s.sideId)?.name ?? t('meetings.anotherSideCap')}</th>
              <td>{minutesAndSeconds(s.seconds)}</td>
              <td>
                {s.allowanceSeconds === null ? '—' : minutesAndSeconds(s.allowanceSeconds)}
                {s.allowanceSeconds !== null && s.seconds > s.allowanceSeconds ? ` ${t('meetings.exceeded')}` : ''}
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
  const unit = (n: number, u: 'minute' | 'second', pad = false) =>
    new Intl.NumberFormat(locale(), {
      style: 'unit',
      unit: u,
      unitDisplay: 'short',
      ...(pad ? { minimumIntegerDigits: 2 } : {}),
    }).format(n);
  return m ? `${unit(m, 'minute')} ${unit(s, 'second', true)}` : unit(s, 'second');
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
      <span className="visually-hidden">{t('meetings.reasonLabel')} </span>
      {text}
    </blockquote>
  );
}
