import type { Group, Meeting } from '@parley/protocol';
import { Link } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { useLive } from '../../components/lifecycle/useLive';
import { Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { canWrite } from '../lifecycle-access';
import { OutcomeCards } from './OutcomeCards';

export function MeetingOutcomes({ meeting, group }: { meeting: Meeting; group: Group }) {
  const t = useT();
  const outcomes = useResource(() => lifecycle.outcomes.list(group.id, { meetingId: meeting.id }), meeting.id);
  useLive([`group:${group.id}`], () => void outcomes.reload());
  const register = `/groups/${group.id}/outcomes?meeting=${meeting.id}`;
  return (
    <Panel
      title={t('outcomes.title')}
      id="outcomes"
      description={t('outcomes.meetingLede')}
      actions={
        <div className="panel__actions-row">
          <Link to={register} className="btn btn--ghost btn--small">
            {t('outcomes.openInRegister')}
          </Link>
          {canWrite(group) ? (
            <Link to={`${register}&new=1`} className="btn btn--secondary btn--small">
              {t('outcomes.record')}
            </Link>
          ) : null}
        </div>
      }
    >
      <FormAlert message={outcomes.error} />
      {outcomes.data && outcomes.data.outcomes.length === 0 ? (
        <p className="muted">{t('outcomes.meetingEmpty')}</p>
      ) : null}
      {outcomes.data ? <OutcomeCards outcomes={outcomes.data.outcomes} group={group} /> : null}
    </Panel>
  );
}
