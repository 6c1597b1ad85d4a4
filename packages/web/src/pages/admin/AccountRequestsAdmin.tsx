import { useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { api } from '../../api/endpoints';
import { FormAlert, useAction } from '../../components/forms';
import { Badge, EmptyState, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { locale } from '../../i18n/intl';
import { KIND_LABELS, STATUS_LABELS } from './account-help-labels';

/** What delegations' chairs asked the administrator to do; carrying one out is the account action itself. */
export function AccountRequestsAdmin({ onChanged }: { onChanged: () => void }) {
  const list = useResource(() => api.admin.accountRequests(), '');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const t = useT();
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
          ? t('admin.requestDeclined', { name: who })
          : res.temporaryPassword
            ? t('admin.requestPasswordReset', { name: who, password: res.temporaryPassword })
            : t('admin.requestDone', { action: KIND_LABELS[res.request.kind], name: who }),
      );
      await list.reload();
      onChanged();
    });

  return (
    <Panel title={t('admin.requests')} description={t('admin.requestsHelp')}>
      <FormAlert message={done} tone="success" />
      <FormAlert message={action.error ?? list.error} />
      {list.loading ? (
        <Loading />
      ) : open.length === 0 ? (
        <EmptyState title={t('admin.noRequests')} />
      ) : (
        <ul className="stack request-list" aria-label={t('admin.waitingRequests')}>
          {open.map((r) => (
            <li key={r.id} className="request-card">
              <div>
                <p>
                  <FormattedMessage
                    id="admin.requestFor"
                    values={{
                      action: KIND_LABELS[r.kind],
                      name: r.subject.displayName,
                      email: <bdi>{r.subject.email}</bdi>,
                      strong: (words) => <span className="strong">{words}</span>,
                    }}
                  />
                </p>
                <p className="muted">
                  {t('admin.askedBy', {
                    name: r.requestedBy.displayName,
                    side: r.side.name,
                    group: r.group.name,
                    when: new Date(r.createdAt).toLocaleString(locale()),
                  })}
                </p>
                {r.note ? <p className="request-card__note">{t('admin.quoted', { text: r.note })}</p> : null}
              </div>
              <div className="form-actions">
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={action.busy}
                  onClick={() => void resolve(r.id, 'carry_out')}
                >
                  {t('admin.actionFor', { action: KIND_LABELS[r.kind], name: r.subject.displayName })}
                </button>
                <button
                  type="button"
                  className="btn btn--ghost"
                  disabled={action.busy}
                  onClick={() => void resolve(r.id, 'decline')}
                >
                  {t('admin.decline')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {answered.length > 0 ? (
        <details className="request-history">
          <summary>{t('admin.answeredRequests')}</summary>
          <ul>
            {answered.map((r) => (
              <li key={r.id}>
                <Badge tone={r.status === 'done' ? 'ok' : 'neutral'}>{STATUS_LABELS[r.status]}</Badge>{' '}
                {t('admin.answeredLine', {
                  action: KIND_LABELS[r.kind],
                  name: r.subject.displayName,
                  by: r.requestedBy.displayName,
                })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Panel>
  );
}
