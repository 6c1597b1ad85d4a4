import type { Agency, Membership } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { CheckboxField, FormAlert, TextField, useAction } from '../../components/forms';
import { Panel, SideOnlyBadge } from '../../components/ui';

export function AgenciesPanel({
  groupId,
  sideId,
  agencies,
  members,
  onChanged,
}: {
  groupId: string;
  sideId: string;
  agencies: Agency[];
  members: Membership[];
  onChanged: () => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [sideOnly, setSideOnly] = useState(false);
  const add = useAction();
  const remove = useAction();

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    void add.run(async () => {
      await api.groups.createAgency(groupId, sideId, { name, marking: sideOnly ? 'side-only' : 'shared' });
      setName('');
      setSideOnly(false);
      await onChanged();
    });
  };

  const onRemove = (a: Agency) => {
    if (!window.confirm(`Remove the agency “${a.name}”? Its delegates stay on the roster without an agency.`)) return;
    void remove.run(async () => {
      await api.groups.deleteAgency(groupId, sideId, a.id);
      await onChanged();
    });
  };

  return (
    <Panel title="Agencies" description="Ministries and services your delegates come from.">
      <FormAlert message={remove.error} />
      {agencies.length === 0 ? (
        <p className="muted">No agencies yet.</p>
      ) : (
        <ul className="plain-list">
          {agencies.map((a) => {
            const n = members.filter((m) => m.agencyId === a.id).length;
            return (
              <li key={a.id} className="plain-list__row">
                <span>
                  <span className="strong">{a.name}</span> {a.marking === 'side-only' ? <SideOnlyBadge /> : null}
                  <span className="block muted small">{n === 1 ? '1 delegate' : `${n} delegates`}</span>
                </span>
                <button
                  type="button"
                  className="btn btn--danger-ghost btn--small"
                  onClick={() => onRemove(a)}
                  aria-label={`Remove agency ${a.name}`}
                  disabled={remove.busy}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form className="stack stack--tight form-inline-block" onSubmit={onAdd} noValidate>
        <h3 className="form-title">Add an agency</h3>
        <FormAlert message={add.error} />
        <TextField
          label="Agency name"
          name="agencyName"
          required
          value={name}
          onChange={setName}
          error={add.fields.name}
          placeholder="e.g. Ministry of Foreign Affairs"
        />
        <CheckboxField
          label="Side-only"
          checked={sideOnly}
          onChange={setSideOnly}
          hint="Hide this agency and its delegates from the other sides."
        />
        <div>
          <button type="submit" className="btn btn--primary" disabled={add.busy}>
            Add agency
          </button>
        </div>
      </form>
    </Panel>
  );
}
