import { useState } from 'react';
import { api } from '../../api/endpoints';
import { FormAlert, useAction } from '../../components/forms';
import { Badge, EmptyState, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { locale } from '../../i18n/intl';
import { KIND_LABELS, STATUS_LABELS } from './account-help-labels';

/** What delegations' chairs asked the administrator to do; carrying one out is the account action itself. */
export function AccountRequestsAdmin({ onChanged }: { onChanged: () => void }) {
  const list = useResource(() => api.admin.accountRequests(), '');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const requests = list.data?.requests ?? [];
  const open = requests.filter((r) => r.status === 'open');
  const answered = requests.filter((r) => r.status !== 'open').slice(0, 10);

  const resolve = (id: string, decision: 'carry_out' | 'decline') =>
    action.run(async () => {
      setDone(null);
      const res = await api.admin.resolveAccountRequest(id, decision);
      const who = res.request.subject.displayName;
      setDone(
        decision === 'decline'
          ? `Request for ${who} declined.`
          : res.temporaryPassword
            ? `Password of ${who} reset. Temporary password: ${res.temporaryPassword} — hand it over in person; it is not shown again.`
            : `${KIND_LABELS[res.request.kind]}: done for ${who}. Their sessions have ended.`,
      );
      await list.reload();
      onChanged();
    });

  return (
    <Panel
      title="Requests from delegations"
      description="Chairs ask here when one of their people has lost a second factor or a password, or must be stopped."
    >
      <FormAlert message={done} tone="success" />
      <FormAlert message={action.error ?? list.error} />
      {list.loading ? (
        <Loading />
      ) : open.length === 0 ? (
        <EmptyState title="No request is waiting." />
      ) : (
        <ul className="stack request-list" aria-label="Waiting requests">
          {open.map((r) => (
            <li key={r.id} className="request-card">
              <div>
                <p>
                  <span className="strong">{KIND_LABELS[r.kind]}</span> for {r.subject.displayName} ({r.subject.email})
                </p>
                <p className="muted">
                  Asked by {r.requestedBy.displayName}, {r.side.name} — {r.group.name},{' '}
                  {new Date(r.createdAt).toLocaleString(locale())}
                </p>
                {r.note ? <p className="request-card__note">“{r.note}”</p> : null}
              </div>
              <div className="form-actions">
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={action.busy}
                  onClick={() => void resolve(r.id, 'carry_out')}
                >
                  {`${KIND_LABELS[r.kind]} for ${r.subject.displayName}`}
                </button>
                <button
                  type="button"
                  className="btn btn--ghost"
                  disabled={action.busy}
                  onClick={() => void resolve(r.id, 'decline')}
                >
                  Decline
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {answered.length > 0 ? (
        <details className="request-history">
          <summary>Answered requests</summary>
          <ul>
            {answered.map((r) => (
              <li key={r.id}>
                <Badge tone={r.status === 'done' ? 'ok' : 'neutral'}>{STATUS_LABELS[r.status]}</Badge>{' '}
                {KIND_LABELS[r.kind]} for {r.subject.displayName}, asked by {r.requestedBy.displayName}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Panel>
  );
}
