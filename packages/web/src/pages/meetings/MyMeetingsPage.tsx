import type { Topic } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { useLive } from '../../components/lifecycle/useLive';
import { EmptyState, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { CalendarSubscription } from './CalendarSubscription';
import { MeetingRows, splitMeetings } from './MeetingRows';
import '../lifecycle.css';

/** Every meeting of every group and track the user takes part in or oversees. */
export function MyMeetingsPage() {
  const t = useT();
  const data = useResource(async () => {
    const { groups } = await api.groups.list();
    const lists = await Promise.all(groups.map((g) => lifecycle.meetings.list(g.id).catch(() => ({ meetings: [] }))));
    return { groups, meetings: lists.flatMap((l) => l.meetings) };
  }, '');
  useLive(
    (data.data?.groups ?? []).map((g) => `group:${g.id}` as Topic),
    () => void data.reload(),
  );
  const names = new Map((data.data?.groups ?? []).map((g) => [g.id, g.name]));
  const { upcoming, past } = splitMeetings(data.data?.meetings ?? []);

  return (
    <div className="page">
      <PageHeader title={t('common.meetings')} eyebrow={t('common.workspace')}>
        {t('meetings.myLede')}
      </PageHeader>
      <FormAlert message={data.error} />
      <div className="with-aside">
        <div className="stack">
          {data.loading ? (
            <Loading />
          ) : (data.data?.meetings.length ?? 0) === 0 ? (
            <EmptyState title={t('meetings.noMeetings')}>{t('meetings.myEmpty')}</EmptyState>
          ) : (
            <>
              <section className="meeting-section" aria-labelledby="mine-upcoming">
                <h2 id="mine-upcoming" className="section-title">
                  {t('meetings.upcoming')} <span className="count">{upcoming.length}</span>
                </h2>
                <MeetingRows meetings={upcoming} groupNames={names} empty={t('meetings.nothingPlanned')} />
              </section>
              <section className="meeting-section" aria-labelledby="mine-past">
                <h2 id="mine-past" className="section-title">
                  {t('meetings.past')} <span className="count">{past.length}</span>
                </h2>
                <MeetingRows meetings={past} groupNames={names} empty={t('meetings.noPast')} />
              </section>
            </>
          )}
        </div>
        <aside className="aside">
          <CalendarSubscription />
        </aside>
      </div>
    </div>
  );
}
