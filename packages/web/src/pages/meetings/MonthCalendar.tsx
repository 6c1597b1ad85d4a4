import type { Meeting } from '@parley/protocol';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { PHASE_LABELS } from '../../components/lifecycle/badges';
import { browserZone, dayKey, formatTime } from '../../components/lifecycle/time';
import { useT } from '../../i18n/I18nProvider';
import { locale } from '../../i18n/intl';

const weekdays = () =>
  Array.from({ length: 7 }, (_, i) =>
    // 2024-01-01 was a Monday.
    new Intl.DateTimeFormat(locale(), { weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + i)),
  );

/** A month grid (weeks start on Monday) in the viewer's own time zone. */
export function MonthCalendar({ meetings }: { meetings: Meeting[] }) {
  const t = useT();
  const zone = browserZone();
  const today = dayKey(Date.now(), zone);
  const [month, setMonth] = useState(() => today.slice(0, 7));
  const [y, mo] = month.split('-').map(Number) as [number, number];

  const byDay = useMemo(() => {
    const map = new Map<string, Meeting[]>();
    for (const m of [...meetings].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
      const k = dayKey(m.start, zone);
      map.set(k, [...(map.get(k) ?? []), m]);
    }
    return map;
  }, [meetings, zone]);

  const first = new Date(Date.UTC(y, mo - 1, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const cells = Math.ceil((lead + daysInMonth) / 7) * 7;
  const days = Array.from({ length: cells }, (_, i) => new Date(Date.UTC(y, mo - 1, 1 + i - lead)));
  const title = new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(first);
  const shift = (n: number) => {
    const d = new Date(Date.UTC(y, mo - 1 + n, 1));
    setMonth(d.toISOString().slice(0, 7));
  };

  return (
    <section className="calendar" aria-label={t('meetings.calendarOf', { month: title })}>
      <div className="calendar__bar">
        <h3 className="calendar__title" aria-live="polite">
          {title}
        </h3>
        <div className="calendar__nav">
          <button type="button" className="btn btn--secondary btn--small" onClick={() => shift(-1)}>
            <span aria-hidden="true">‹</span> {t('meetings.previousMonth')}
          </button>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => setMonth(today.slice(0, 7))}>
            {t('meetings.today')}
          </button>
          <button type="button" className="btn btn--secondary btn--small" onClick={() => shift(1)}>
            {t('meetings.nextMonth')} <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <table className="calendar__grid">
        <caption className="visually-hidden">{t('meetings.meetingsIn', { month: title })}</caption>
        <thead>
          <tr>
            {weekdays().map((w) => (
              <th key={w} scope="col" className="calendar__weekday">
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: cells / 7 }, (_, week) => (
            <tr key={days[week * 7]!.toISOString()}>
              {days.slice(week * 7, week * 7 + 7).map((d) => {
                const k = d.toISOString().slice(0, 10);
                const list = byDay.get(k) ?? [];
                const outside = d.getUTCMonth() !== mo - 1;
                return (
                  <td
                    key={k}
                    className={`calendar__cell${outside ? ' calendar__cell--outside' : ''}${k === today ? ' calendar__cell--today' : ''}`}
                  >
                    <span className="calendar__daynum">
                      <span className="visually-hidden">
                        {new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeZone: 'UTC' }).format(d)}
                      </span>
                      <span aria-hidden="true">{d.getUTCDate()}</span>
                    </span>
                    {list.map((m) => (
                      <Link
                        key={m.id}
                        to={`/meetings/${m.id}`}
                        className={`calendar__event calendar__event--${m.phase}`}
                        title={`${m.title} · ${PHASE_LABELS[m.phase]}`}
                      >
                        <span className="calendar__time">{formatTime(m.start, zone)}</span> {m.title}
                        <span className="visually-hidden"> ({PHASE_LABELS[m.phase]})</span>
                      </Link>
                    ))}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('meetings.timesInZone', { zone: zone.replaceAll('_', ' ') })}</p>
    </section>
  );
}
