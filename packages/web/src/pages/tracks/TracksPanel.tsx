import type { Track } from '@parley/protocol';
import { Link } from 'react-router';
import { FORMAT_LABELS } from '../../components/lifecycle/badges';
import { browserZone, formatSlot } from '../../components/lifecycle/time';
import { SideCode } from '../../components/ui';

export function TracksPanel({ tracks }: { tracks: Track[] }) {
  return (
    <section className="card card--wide" aria-labelledby="ov-tracks">
      <div className="card__head">
        <h2 id="ov-tracks">
          Follow-up tracks <span className="count">{tracks.length}</span>
        </h2>
      </div>
      {tracks.length === 0 ? (
        <p className="muted small">None yet. A chair starts one from a shared entry in the outcomes register.</p>
      ) : (
        <ul className="track-list">
          {tracks.map((t) => (
            <li key={t.id} className="track-item" data-track={t.name}>
              <div className="track-item__main">
                <Link to={`/groups/${t.id}`} className="track-item__name">
                  {t.name}
                </Link>
                <span className="muted small">
                  {t.expertCount} {t.expertCount === 1 ? 'expert' : 'experts'}
                </span>
                <span className="inline-codes">
                  {t.sides.map((s) => (
                    <SideCode key={s.id} side={s} />
                  ))}
                </span>
              </div>
              <p className="track-item__next">
                {t.nextMeeting ? (
                  <>
                    <span className="track-item__label">Next meeting</span>{' '}
                    <Link to={`/meetings/${t.nextMeeting.id}`}>
                      {formatSlot(
                        t.nextMeeting.startsAt,
                        t.nextMeeting.endsAt ?? t.nextMeeting.startsAt,
                        browserZone(),
                      )}
                    </Link>
                    {' · '}
                    {FORMAT_LABELS[t.nextMeeting.format as keyof typeof FORMAT_LABELS] ?? t.nextMeeting.format}
                  </>
                ) : (
                  <span className="muted">No meeting planned yet.</span>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
