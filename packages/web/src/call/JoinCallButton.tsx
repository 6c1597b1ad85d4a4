import type { CallStatus, Topic } from '@parley/protocol';
import { Link } from 'react-router';
import { useLive } from '../components/lifecycle/useLive';
import { useResource } from '../components/useResource';
import { useT } from '../i18n/I18nProvider';
import { callApi } from './api';

/**
 * The entry point to a meeting's call, for the meeting page: "Join secure call" while it runs, and for chairs or
 * secretariat "Open call room" (to start it) otherwise. Renders nothing for in-person meetings.
 */
export function JoinCallButton({
  meetingId,
  format,
  mayStart,
}: {
  meetingId: string;
  format: 'in_person' | 'video' | 'hybrid';
  mayStart: boolean;
}) {
  const t = useT();
  const status = useResource<CallStatus | null>(() => callApi.status(meetingId).catch(() => null), meetingId);
  useLive([`meeting:${meetingId}` as Topic], () => void status.reload());
  if (format === 'in_person' && !status.data?.active) return null;
  const to = `/meetings/${meetingId}/call`;
  if (status.data?.active)
    return (
      <Link className="btn btn--primary" to={to}>
        {t('call.join')}
        {status.data.participantCount ? (
          <span className="badge badge--neutral">{t('call.inCall', { count: status.data.participantCount })}</span>
        ) : null}
      </Link>
    );
  if (!mayStart) return null;
  return (
    <Link className="btn btn--secondary" to={to}>
      {t('call.openRoom')}
    </Link>
  );
}
