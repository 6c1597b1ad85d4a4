import type { Group, Meeting, Outcome } from '@parley/protocol';
import { Link } from 'react-router';
import { KindBadge, OutcomeStatusBadge } from '../../components/lifecycle/badges';
import { formatDay } from '../../components/lifecycle/time';
import { SideCode, SideOnlyBadge } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { canWrite, isChair, sideById } from '../lifecycle-access';
import { clip } from './OutcomeCards';

export function OutcomeTable({
  outcomes,
  all,
  meetings,
  group,
  onEdit,
  onStartTrack,
  hideMeeting = false,
}: {
  outcomes: Outcome[];
  all: Outcome[];
  meetings: Meeting[];
  group: Group;
  onEdit: (o: Outcome) => void;
  onStartTrack: (o: Outcome) => void;
  /** The register is filtered to one meeting: its column would say the same thing on every row. */
  hideMeeting?: boolean;
}) {
  const t = useT();
  const byId = new Map(all.map((o) => [o.id, o]));
  const meetingById = new Map(meetings.map((m) => [m.id, m]));
  const ownSide = group.myMembership?.sideId;
  const mayEdit = (o: Outcome) => canWrite(group) && o.sideId === ownSide;
  const mayTrack = (o: Outcome) => isChair(group) && group.kind === 'group' && o.marking === 'shared';
  const today = new Date().toISOString().slice(0, 10);
  return (
    <div className="table-wrap">
      <table className="table register">
        <thead>
          <tr>
            <th scope="col">{t('outcomes.kind')}</th>
            <th scope="col">{t('outcomes.entry')}</th>
            <th scope="col">{t('outcomes.sides')}</th>
            <th scope="col">{t('outcomes.ownerDue')}</th>
            <th scope="col">{t('outcomes.status')}</th>
            {hideMeeting ? null : <th scope="col">{t('outcomes.meeting')}</th>}
            <th scope="col">
              <span className="visually-hidden">{t('outcomes.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {outcomes.map((o) => {
            const raised = sideById(group, o.raisedBySideId);
            const to = sideById(group, o.addressedToSideId);
            const answers = o.respondsToId ? byId.get(o.respondsToId) : undefined;
            const meeting = o.meetingId ? meetingById.get(o.meetingId) : undefined;
            const overdue = o.due && o.due < today && (o.status === 'open' || o.status === 'in_progress');
            return (
              <tr key={o.id} data-outcome={o.kind}>
                <td>
                  <KindBadge kind={o.kind} />
                </td>
                <th scope="row" className="register__text">
                  <span>{o.text}</span>
                  {o.marking === 'side-only' ? <SideOnlyBadge /> : null}
                  {answers ? (
                    <span className="register__ref">
                      <span className="flip-rtl" aria-hidden="true">
                        ↳
                      </span>{' '}
                      {t('outcomes.respondsToRef', { kind: answers.kind, text: clip(answers.text, 60) })}
                    </span>
                  ) : null}
                  {o.responseIds.length > 0 ? (
                    <span className="register__ref">{t('outcomes.responses', { count: o.responseIds.length })}</span>
                  ) : null}
                </th>
                <td className="register__sides">
                  {raised ? <SideCode side={raised} /> : <span className="muted">—</span>}
                  {to ? (
                    <>
                      <span className="muted flip-rtl" aria-hidden="true">
                        →
                      </span>
                      <span className="visually-hidden">{t('outcomes.addressedToLower')}</span>
                      <SideCode side={to} />
                    </>
                  ) : null}
                </td>
                <td className="small register__who">
                  {o.ownerName ?? <span className="muted">—</span>}
                  {o.due ? (
                    <span className={`block ${overdue ? 'overdue' : 'muted'}`}>
                      {overdue ? `${t('outcomes.overdue')} · ` : ''}
                      {formatDay(o.due)}
                    </span>
                  ) : null}
                </td>
                <td>
                  <OutcomeStatusBadge status={o.status} />
                </td>
                {hideMeeting ? null : (
                  <td className="small register__meeting">
                    {meeting ? (
                      <Link to={`/meetings/${meeting.id}`}>{meeting.title}</Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                )}
                <td className="table__actions">
                  <div>
                    {mayEdit(o) ? (
                      <button type="button" className="btn btn--ghost btn--small" onClick={() => onEdit(o)}>
                        {t('outcomes.edit')}
                        <span className="visually-hidden"> {t('outcomes.editWhat', { kind: o.kind })}</span>
                      </button>
                    ) : null}
                    {mayTrack(o) ? (
                      <button
                        type="button"
                        className="btn btn--ghost btn--small"
                        onClick={() => onStartTrack(o)}
                        aria-label={t('outcomes.startTrackFrom', { kind: o.kind })}
                        title={t('outcomes.startTrack')}
                      >
                        {t('outcomes.followUpTrack')}
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
