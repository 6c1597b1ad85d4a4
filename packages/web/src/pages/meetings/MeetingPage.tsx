import type { Group, MeetingDetail } from '@parley/protocol';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/endpoints';
import { lifecycle } from '../../api/lifecycle';
import { JoinCallButton } from '../../call/JoinCallButton';
import { FormAlert } from '../../components/forms';
import { FormatLabel, PHASE_LABELS, PhaseBadge } from '../../components/lifecycle/badges';
import { browserZone, formatSlot, zoneLabel } from '../../components/lifecycle/time';
import { useLive } from '../../components/lifecycle/useLive';
import { Loading, PageHeader, Panel, SideOnlyBadge } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { locale } from '../../i18n/intl';
import { MeetingOutcomes } from '../outcomes/MeetingOutcomes';
import { AgendaPanel } from './AgendaPanel';
import type { Conflict } from './conflict';
import { MeetingActions } from './MeetingActions';
import { MeetingTimeline } from './MeetingTimeline';
import { ReadoutsPanel } from './ReadoutsPanel';
import '../lifecycle.css';
import { LineIcon } from '../../components/LineIcon';

export function MeetingPage() {
  const { meetingId = '' } = useParams();
  const data = useResource(async () => {
    const detail = await lifecycle.meetings.get(meetingId);
    const group = await api.groups.get(detail.meeting.groupId);
    return { detail, group };
  }, meetingId);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const t = useT();
  const groupId = data.data?.group.id ?? null;
  useLive([`meeting:${meetingId}`, groupId ? `group:${groupId}` : null], () => void data.reload());

  if (data.loading) return <Loading />;
  if (!data.data) {
    return (
      <div className="page">
        <PageHeader title={t('meetings.unavailable')} />
        <FormAlert message={data.status === 404 ? t('meetings.unavailableBody') : data.error} />
        <Link to="/meetings">{t('meetings.backToMeetings')}</Link>
      </div>
    );
  }
  const { detail, group } = data.data;
  return (
    <MeetingView detail={detail} group={group} conflict={conflict} setConflict={setConflict} reload={data.reload} />
  );
}

function MeetingView({
  detail,
  group,
  conflict,
  setConflict,
  reload,
}: {
  detail: MeetingDetail;
  group: Group;
  conflict: Conflict | null;
  setConflict: (c: Conflict | null) => void;
  reload: () => Promise<void>;
}) {
  const { meeting: m, history, agenda } = detail;
  const here = browserZone();
  const t = useT();
  return (
    <div className="page">
      <nav aria-label={t('groups.breadcrumb')} className="breadcrumb">
        <Link to="/groups">{t('groups.title')}</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/groups/${group.id}/meetings`}>{t('groups.meetings')}</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{m.title}</span>
      </nav>
      <PageHeader
        title={m.title}
        eyebrow={
          <>
            {t('meetings.meeting')}
            <PhaseBadge phase={m.phase} />
            {m.marking === 'side-only' ? <SideOnlyBadge /> : null}
          </>
        }
        actions={
          <a className="btn btn--secondary" href={lifecycle.meetings.inviteUrl(m.id)} download>
            <LineIcon className="btn__icon" d="M10 3v10M6 9l4 4 4-4M4 16h12" />
            {t('meetings.downloadInvitation')}
          </a>
        }
      >
        <dl className="meeting-facts">
          <div>
            <dt>{t('meetings.format')}</dt>
            <dd>
              <FormatLabel format={m.format} />
            </dd>
          </div>
          {m.location ? (
            <div>
              <dt>{t('meetings.location')}</dt>
              <dd>{m.location}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('meetings.time', { zone: zoneLabel(m.timeZone) })}</dt>
            <dd data-testid="meeting-time">{formatSlot(m.start, m.end, m.timeZone)}</dd>
          </div>
          {m.timeZone !== here ? (
            <div>
              <dt>{t('meetings.yourTime', { zone: zoneLabel(here) })}</dt>
              <dd>{formatSlot(m.start, m.end, here)}</dd>
            </div>
          ) : null}
        </dl>
      </PageHeader>
      {conflict ? (
        <div className="alert alert--error conflict" role="alert">
          <p>
            <strong>{t('meetings.notDone', { reason: conflict.message })}</strong>
          </p>
          <p>
            {conflict.phase
              ? `${t('meetings.nowPhase', {
                  phase: (
                    PHASE_LABELS[conflict.phase as keyof typeof PHASE_LABELS] ?? conflict.phase
                  ).toLocaleLowerCase(locale()),
                })} `
              : ''}
            {conflict.allowed.length > 0
              ? t('meetings.canDoNow', {
                  actions: new Intl.ListFormat(locale()).format(conflict.allowed.map((a) => a.replaceAll('_', ' '))),
                })
              : t('meetings.noFurtherChanges')}{' '}
            {t('meetings.nowCurrent')}
          </p>
          <button type="button" className="btn btn--link" onClick={() => setConflict(null)}>
            {t('meetings.dismiss')}
          </button>
        </div>
      ) : null}
      {m.status === 'planned' ? (
        <JoinCallButton meetingId={m.id} format={m.format} mayStart={group?.myMembership?.role === 'chair'} />
      ) : null}
      <MeetingActions meeting={m} group={group} onChanged={reload} onConflict={setConflict} />
      <div className="meeting-layout">
        <div className="stack stack--loose">
          <AgendaPanel meeting={m} agenda={agenda} group={group} onChanged={reload} />
          <MeetingOutcomes meeting={m} group={group} />
          <ReadoutsPanel meeting={m} group={group} />
        </div>
        <Panel title={t('meetings.history')} id="history" description={t('meetings.historyHelp')}>
          <MeetingTimeline history={history} group={group} />
        </Panel>
      </div>
    </div>
  );
}
