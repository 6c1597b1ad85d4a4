import { useState } from 'react';
import { Link } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { useLive } from '../../components/lifecycle/useLive';
import { EmptyState, Loading } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { useGroupContext } from '../group/context';
import { canWrite } from '../lifecycle-access';
import { CalendarSubscription } from './CalendarSubscription';
import { MeetingRows, splitMeetings } from './MeetingRows';
import { MonthCalendar } from './MonthCalendar';
import '../lifecycle.css';

export function GroupMeetingsView() {
  const { group } = useGroupContext();
  const t = useT();
  const meetings = useResource(() => lifecycle.meetings.list(group.id), group.id);
  useLive([`group:${group.id}`], () => void meetings.reload());
  const [view, setView] = useState<'list' | 'month'>('list');
  const list = meetings.data?.meetings ?? [];
  const { upcoming, past } = splitMeetings(list);

  return (
    <div className="with-aside">
      <div className="stack">
        <div className="toolbar">
          <fieldset className="segmented">
            <legend className="visually-hidden">{t('meetings.view')}</legend>
            <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
              {t('meetings.viewList')}
            </button>
            <button type="button" aria-pressed={view === 'month'} onClick={() => setView('month')}>
              {t('meetings.viewMonth')}
            </button>
          </fieldset>
          {canWrite(group) ? (
            <Link to={`/groups/${group.id}/meetings/new`} className="btn btn--primary">
              {t('meetings.planTitle')}
            </Link>
          ) : null}
        </div>
        <FormAlert message={meetings.error} />
        {meetings.loading ? (
          <Loading />
        ) : view === 'month' ? (
          <MonthCalendar meetings={list} />
        ) : list.length === 0 ? (
          <EmptyState title={t('meetings.noMeetings')}>{canWrite(group) ? t('meetings.planFirst') : null}</EmptyState>
        ) : (
          <>
            <section className="meeting-section" aria-labelledby="upcoming-heading">
              <h2 id="upcoming-heading" className="section-title">
                {t('meetings.upcoming')} <span className="count">{upcoming.length}</span>
              </h2>
              <MeetingRows meetings={upcoming} empty={t('meetings.nothingPlanned')} />
            </section>
            <section className="meeting-section" aria-labelledby="past-heading">
              <h2 id="past-heading" className="section-title">
                {t('meetings.past')} <span className="count">{past.length}</span>
              </h2>
              <MeetingRows meetings={past} empty={t('meetings.noPast')} />
            </section>
          </>
        )}
      </div>
      <aside className="aside">
        <CalendarSubscription compact />
      </aside>
    </div>
  );
}
