import type { Track } from '@parley/protocol';
import { Link } from 'react-router';
import { FORMAT_LABELS } from '../../components/lifecycle/badges';
import { browserZone, formatSlot } from '../../components/lifecycle/time';
import { SideCode } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';

export function TracksPanel({ tracks }: { tracks: Track[] }) {
  const t = useT();
  return (
    <section className="card card--wide" aria-labelledby="ov-tracks">
      <div className="card__head">
        <h2 id="ov-tracks">
          {t('tracks.title')} <span className="count">{tracks.length}</span>
        </h2>
      </div>
      {tracks.length === 0 ? (
        <p className="muted small">{t('tracks.none')}</p>
      ) : (
        <ul className="track-list">
          {tracks.map((track) => (
            <li key={track.id} className="track-item" data-track={track.name}>
              <div className="track-item__main">
                <Link to={`/groups/${track.id}`} className="track-item__name">
                  {track.name}
                </Link>
                <span className="muted small">{t('tracks.experts_count', { count: track.expertCount })}</span>
                <span className="inline-codes">
                  {track.sides.map((s) => (
                    <SideCode key={s.id} side={s} />
                  ))}
                </span>
              </div>
              <p className="track-item__next">
                {track.nextMeeting ? (
                  <>
                    <span className="track-item__label">{t('tracks.nextMeeting')}</span>{' '}
                    <Link to={`/meetings/${track.nextMeeting.id}`}>
                      {formatSlot(
                        track.nextMeeting.startsAt,
                        track.nextMeeting.endsAt ?? track.nextMeeting.startsAt,
                        browserZone(),
                      )}
                    </Link>
                    {' · '}
                    {FORMAT_LABELS[track.nextMeeting.format as keyof typeof FORMAT_LABELS] ?? track.nextMeeting.format}
                  </>
                ) : (
                  <span className="muted">{t('tracks.noMeeting')}</span>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
