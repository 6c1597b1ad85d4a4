import type { AccountHelpKind, Membership } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { Badge, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { KIND_LABELS, STATUS_LABELS } from '../admin/account-help-labels';

/**
 * A chair vouches for one of the delegation's people who has lost a second factor or a password, or must be
 * stopped; the instance administrator sees the request and acts on it.
 */
export function AccountHelpPanel({ groupId, members }: { groupId: string; members: Membership[] }) {
  const list = useResource(() => api.groups.accountRequests(groupId), groupId);
  const [userId, setUserId] = useState('');
  const [kind, setKind] = useState<AccountHelpKind>('reset_second_factors');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const action = useAction();
  const t = useT();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSent(null);
    void action.run(async () => {
      const r = await api.groups.askAccountHelp(groupId, { userId, kind, note });
      setSent(t('delegation.helpSent', { action: KIND_LABELS[r.kind], name: r.subject.displayName }));
      setNote('');
      await list.reload();
    });
  };

  const people = [...new Map(members.map((m) => [m.userId, m.displayName])).entries()];
  const requests = list.data?.requests ?? [];
  return (
    <Panel title={t('delegation.accountHelp')} description={t('delegation.accountHelpBody')}>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <FormAlert message={sent} tone="success" />
        <FormAlert message={action.error ?? list.error} />
        <div className="form-grid form-grid--3">
          <SelectField
            label={t('delegation.person')}
            name="helpUser"
            value={userId}
            onChange={setUserId}
            error={action.fields.userId}
            options={[
              { value: '', label: t('delegation.choosePerson') },
              ...people.map(([id, name]) => ({ value: id, label: name })),
            ]}
          />
          <SelectField
            label={t('delegation.whatIsNeeded')}
            name="helpKind"
            value={kind}
            onChange={(v) => setKind(v as AccountHelpKind)}
            error={action.fields.kind}
            options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <TextField
            label={t('delegation.noteForAdmin')}
            name="helpNote"
            value={note}
            onChange={setNote}
            error={action.fields.note}
            hint={t('delegation.noteHint')}
            maxLength={500}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={action.busy || !userId}>
            {t('delegation.sendToAdmin')}
          </button>
        </div>
      </form>
      {requests.length > 0 ? (
        <ul className="request-history" aria-label={t('delegation.yourRequests')}>
          {requests.map((r) => (
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
      ) : null}
    </Panel>
  );
}
