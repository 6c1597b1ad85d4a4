import type { Topic } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { useLive } from '../../components/lifecycle/useLive';
import { EmptyState, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { CalendarSubscription } from './CalendarSubscription';
import { MeetingRows, splitMeetings } from './MeetingRows';
import '../lifecycle.css';

/** Every meeting of every group and track the user takes part in or oversees. */
export function MyMeetingsPage() {
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
      <PageHeader title="Meetings" eyebrow="Workspace">
        Meetings of all your groups and tracks, in their own time zones.
      </PageHeader>
      <FormAlert message={data.error} />
      <div className="with-aside">
        <div className="stack">
          {data.loading ? (
            <Loading />
          ) : (data.data?.meetings.length ?? 0) === 0 ? (
            <EmptyState title="No meetings yet.">Meetings are planned from a group’s Meetings tab.</EmptyState>
          ) : (
            <>
              <section className="meeting-section" aria-labelledby="mine-upcoming">
                <h2 id="mine-upcoming" className="section-title">
                  Upcoming <span className="count">{upcoming.length}</span>
                </h2>
                <MeetingRows meetings={upcoming} groupNames={names} empty="Nothing planned." />
              </section>
              <section className="meeting-section" aria-labelledby="mine-past">
                <h2 id="mine-past" className="section-title">
                  Past <span className="count">{past.length}</span>
                </h2>
                <MeetingRows meetings={past} groupNames={names} empty="No past meetings." />
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
