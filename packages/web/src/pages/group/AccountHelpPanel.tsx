import type { AccountHelpKind, Membership } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { Badge, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
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

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSent(null);
    void action.run(async () => {
      const r = await api.groups.askAccountHelp(groupId, { userId, kind, note });
      setSent(`Sent to the administrator: ${KIND_LABELS[r.kind].toLowerCase()} for ${r.subject.displayName}.`);
      setNote('');
      await list.reload();
    });
  };

  const people = [...new Map(members.map((m) => [m.userId, m.displayName])).entries()];
  const requests = list.data?.requests ?? [];
  return (
    <Panel
      title="Account help"
      description="Ask the Parley administrator to reset a second factor or a password, or to disable an account, for someone in your delegation."
    >
      <form className="stack" onSubmit={onSubmit} noValidate>
        <FormAlert message={sent} tone="success" />
        <FormAlert message={action.error ?? list.error} />
        <div className="form-grid form-grid--3">
          <SelectField
            label="Person"
            name="helpUser"
            value={userId}
            onChange={setUserId}
            error={action.fields.userId}
            options={[
              { value: '', label: 'Choose a person' },
              ...people.map(([id, name]) => ({ value: id, label: name })),
            ]}
          />
          <SelectField
            label="What is needed"
            name="helpKind"
            value={kind}
            onChange={(v) => setKind(v as AccountHelpKind)}
            error={action.fields.kind}
            options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <TextField
            label="Note for the administrator"
            name="helpNote"
            value={note}
            onChange={setNote}
            error={action.fields.note}
            hint="Optional, up to 500 characters: how you confirmed who asked."
            maxLength={500}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={action.busy || !userId}>
            Send to the administrator
          </button>
        </div>
      </form>
      {requests.length > 0 ? (
        <ul className="request-history" aria-label="Your delegation’s requests">
          {requests.map((r) => (
            <li key={r.id}>
              <Badge tone={r.status === 'done' ? 'ok' : 'neutral'}>{STATUS_LABELS[r.status]}</Badge>{' '}
              {KIND_LABELS[r.kind]} for {r.subject.displayName}, asked by {r.requestedBy.displayName}
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}
