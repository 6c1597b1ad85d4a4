import type { CallStatus, Meeting, Topic } from '@parley/protocol';
import { Link } from 'react-router';
import { api } from '../api/endpoints';
import { lifecycle } from '../api/lifecycle';
import { FormAlert } from '../components/forms';
import { useLive } from '../components/lifecycle/useLive';
import { EmptyState, formatDateTime, Loading, PageHeader } from '../components/ui';
import { useResource } from '../components/useResource';
import { useT } from '../i18n/I18nProvider';
import { callApi } from './api';
import '../pages/lifecycle.css';

const SOON_MS = 12 * 3600_000;

/** Calls running now in the user's groups, and video meetings coming up in the next hours. */
export function CallsPage() {
  const t = useT();
  const data = useResource(async () => {
    const { groups } = await api.groups.list();
    const lists = await Promise.all(groups.map((g) => lifecycle.meetings.list(g.id).catch(() => ({ meetings: [] }))));
    const now = Date.now();
    const all = lists.flatMap((l) => l.meetings);
    // A meeting under way may have its call running whenever it was planned for (started early, or running late):
    // it is asked about whatever its planned window. Planned video meetings count when they are due soon.
    const underWay = all.filter((m) => m.phase === 'in_progress');
    const soon = all
      .filter((m) => m.phase === 'planned' && m.format !== 'in_person')
      .filter((m) => Date.parse(m.end) > now - SOON_MS && Date.parse(m.start) < now + SOON_MS)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .slice(0, 30);
    const candidates = [...underWay, ...soon];
    const statuses = await Promise.all(candidates.map((m) => callApi.status(m.id).catch(() => null)));
    const rows = candidates.map((m, i) => ({ meeting: m, status: statuses[i] ?? null }));
    return { groups, names: new Map(groups.map((g) => [g.id, g.name])), rows };
  }, '');
  useLive(
    (data.data?.groups ?? []).map((g) => `group:${g.id}` as Topic),
    () => void data.reload(),
  );
  const rows = data.data?.rows ?? [];
  const active = rows.filter((r) => r.status?.active);
  const soon = rows.filter((r) => !r.status?.active && r.meeting.format !== 'in_person');
  return (
    <div className="page">
      <PageHeader title={t('common.calls')} eyebrow={t('common.workspace')}>
        {t('call-room.callsLede')}
      </PageHeader>
      <FormAlert message={data.error} />
      {data.loading ? (
        <Loading />
      ) : (
        <div className="stack">
          <section aria-labelledby="calls-now">
            <h2 id="calls-now" className="section-title">
              {t('call-room.runningNow')} <span className="count">{active.length}</span>
            </h2>
            {active.length === 0 ? (
              <EmptyState title={t('call-room.noneRunning')} />
            ) : (
              <CallRows rows={active} names={data.data?.names} />
            )}
          </section>
          <section aria-labelledby="calls-soon">
            <h2 id="calls-soon" className="section-title">
              {t('call-room.videoSoon')} <span className="count">{soon.length}</span>
            </h2>
            {soon.length === 0 ? (
              <EmptyState title={t('call-room.noneSoon')} />
            ) : (
              <CallRows rows={soon} names={data.data?.names} />
            )}
          </section>
        </div>
      )}
    </div>
  );
}

function CallRows({
  rows,
  names,
}: {
  rows: { meeting: Meeting; status: CallStatus | null }[];
  names: Map<string, string> | undefined;
}) {
  const t = useT();
  return (
    <ul className="plain-list">
      {rows.map(({ meeting, status }) => (
        <li key={meeting.id} className="plain-list__row">
          <span>
            <Link to={`/meetings/${meeting.id}`}>{meeting.title}</Link>
            <span className="muted">
              {' '}
              · {names?.get(meeting.groupId)} · {formatDateTime(meeting.start)}
            </span>
          </span>
          <Link
            className={`btn btn--small ${status?.active ? 'btn--primary' : 'btn--secondary'}`}
            to={`/meetings/${meeting.id}/call`}
          >
            {status?.active ? t('call-room.joinCount', { count: status.participantCount }) : t('call.openRoom')}
          </Link>
        </li>
      ))}
    </ul>
  );
}
