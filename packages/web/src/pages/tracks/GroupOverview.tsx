import type { Meeting } from '@parley/protocol';
import { Link } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormatLabel, PhaseBadge } from '../../components/lifecycle/badges';
import { formatSlot } from '../../components/lifecycle/time';
import { useLive } from '../../components/lifecycle/useLive';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { useGroupContext } from '../group/context';
import { RosterView } from '../group/RosterView';
import { splitMeetings } from '../meetings/MeetingRows';
import { OutcomeCards } from '../outcomes/OutcomeCards';
import { StatementCard } from '../statements/StatementsView';
import { TracksPanel } from './TracksPanel';
import '../lifecycle.css';

/** The group at a glance: what is next, what is open, the follow-up work; then the delegations. */
export function GroupOverview() {
  const { group } = useGroupContext();
  const t = useT();
  const data = useResource(async () => {
    const [summary, meetings, tracks, statements] = await Promise.all([
      lifecycle.outcomes.summary(group.id),
      lifecycle.meetings.list(group.id),
      group.kind === 'group' ? lifecycle.tracks.list(group.id) : Promise.resolve({ tracks: [] }),
      group.kind === 'track' ? lifecycle.statements.list(group.id) : Promise.resolve({ statements: [] }),
    ]);
    return { summary, meetings: meetings.meetings, tracks: tracks.tracks, statements: statements.statements };
  }, group.id);
  useLive([`group:${group.id}`], () => void data.reload());
  const d = data.data;
  const next = d
    ? splitMeetings(d.meetings)
        .upcoming.filter((m) => m.phase !== 'cancelled')
        .slice(0, 3)
    : [];

  return (
    <div className="stack stack--loose">
      {d ? (
        <div className="overview">
          <section className="card" aria-labelledby="ov-next">
            <div className="card__head">
              <h2 id="ov-next">{t('groups.nextMeetings')}</h2>
              <Link to={`/groups/${group.id}/meetings`} className="small">
                {t('groups.allMeetings')}
              </Link>
            </div>
            {next.length === 0 ? (
              <p className="muted small">{t('groups.nothingPlanned')}</p>
            ) : (
              <NextMeetings meetings={next} />
            )}
          </section>
          <section className="card" aria-labelledby="ov-actions">
            <div className="card__head">
              <h2 id="ov-actions">
                {t('groups.openActions')} <span className="count">{d.summary.openActions.length}</span>
              </h2>
              <Link to={`/groups/${group.id}/outcomes?kind=action`} className="small">
                {t('groups.register')}
              </Link>
            </div>
            {d.summary.openActions.length === 0 ? <p className="muted small">{t('groups.noOpenActions')}</p> : null}
            <OutcomeCards outcomes={d.summary.openActions.slice(0, 4)} group={group} showStatus={false} />
          </section>
          <section className="card" aria-labelledby="ov-concerns">
            <div className="card__head">
              <h2 id="ov-concerns">
                {t('groups.unansweredConcerns')} <span className="count">{d.summary.unansweredConcerns.length}</span>
              </h2>
              <Link to={`/groups/${group.id}/outcomes?kind=concern`} className="small">
                {t('groups.register')}
              </Link>
            </div>
            {d.summary.unansweredConcerns.length === 0 ? (
              <p className="muted small">{t('groups.everyConcernAnswered')}</p>
            ) : null}
            <OutcomeCards outcomes={d.summary.unansweredConcerns.slice(0, 4)} group={group} showStatus={false} />
          </section>
          {group.kind === 'group' ? <TracksPanel tracks={d.tracks} /> : null}
          {group.kind === 'track' ? (
            <section className="card card--wide" aria-labelledby="ov-statements">
              <div className="card__head">
                <h2 id="ov-statements">{t('groups.statements')}</h2>
                <Link to={`/groups/${group.id}/statements`} className="small">
                  {t('groups.allStatements')}
                </Link>
              </div>
              {d.statements.length === 0 ? <p className="muted small">{t('groups.noStatements')}</p> : null}
              <ul className="statement-list statement-list--compact">
                {d.statements.slice(0, 3).map((s) => (
                  <StatementCard key={s.id} statement={s} groupId={group.id} />
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      ) : null}
      <section aria-labelledby="ov-delegations" className="stack stack--tight">
        <h2 id="ov-delegations" className="section-title">
          {t('groups.delegations')}
        </h2>
        <RosterView />
      </section>
    </div>
  );
}

function NextMeetings({ meetings }: { meetings: Meeting[] }) {
  return (
    <ul className="mini-meetings">
      {meetings.map((m) => (
        <li key={m.id}>
          <Link to={`/meetings/${m.id}`} className="mini-meetings__title">
            {m.title}
          </Link>
          <span className="mini-meetings__meta">
            <PhaseBadge phase={m.phase} /> <FormatLabel format={m.format} />
          </span>
          <span className="muted small">{formatSlot(m.start, m.end, m.timeZone)}</span>
        </li>
      ))}
    </ul>
  );
}
