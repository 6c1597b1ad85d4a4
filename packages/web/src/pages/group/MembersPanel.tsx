import type { Agency, Membership, Role, Side } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { CheckboxField, FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { Panel, ROLE_OPTIONS } from '../../components/ui';
import { agencyOptions } from './context';
import { MemberRow } from './MemberRow';

export function MembersPanel({
  groupId,
  side,
  agencies,
  members,
  onChanged,
}: {
  groupId: string;
  side: Side;
  agencies: Agency[];
  members: Membership[];
  onChanged: () => Promise<void>;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [agencyId, setAgencyId] = useState('');
  const [title, setTitle] = useState('');
  const [sideOnly, setSideOnly] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const add = useAction();
  const sorted = [...members].sort((a, b) => a.displayName.localeCompare(b.displayName));

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    void add.run(async () => {
      const m = await api.groups.addMember(groupId, {
        email,
        sideId: side.id,
        role,
        agencyId: agencyId || null,
        title,
        marking: sideOnly ? 'side-only' : 'shared',
      });
      setEmail('');
      setTitle('');
      setSideOnly(false);
      setDone(`${m.displayName} was added to the delegation.`);
      await onChanged();
    });
  };

  return (
    <Panel title="Delegates" description={`Everyone seated for ${side.name} in this group.`}>
      {sorted.length === 0 ? (
        <p className="muted">No delegates yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Agency</th>
                <th scope="col">Title</th>
                <th scope="col">Visibility</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((m) => (
                <MemberRow key={m.id} groupId={groupId} member={m} agencies={agencies} onChanged={onChanged} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="form-inline-block" onSubmit={onAdd} noValidate>
        <h3 className="form-title">Add a delegate who already has an account</h3>
        <FormAlert message={add.error} />
        <FormAlert message={done} tone="success" />
        <div className="form-grid">
          <TextField
            label="Email"
            type="email"
            name="memberEmail"
            required
            value={email}
            onChange={setEmail}
            error={add.fields.email}
          />
          <SelectField
            label="Role"
            value={role}
            onChange={(v) => setRole(v as Role)}
            options={ROLE_OPTIONS}
            error={add.fields.role}
          />
          <SelectField
            label="Agency"
            value={agencyId}
            onChange={setAgencyId}
            options={agencyOptions(agencies)}
            error={add.fields.agencyId}
          />
          <TextField
            label="Title"
            name="memberTitle"
            value={title}
            onChange={setTitle}
            error={add.fields.title}
            placeholder="e.g. Director, Arms Control"
          />
        </div>
        <div className="form-actions">
          <CheckboxField label="Side-only" checked={sideOnly} onChange={setSideOnly} />
          <button type="submit" className="btn btn--primary" disabled={add.busy}>
            Add delegate
          </button>
        </div>
      </form>
    </Panel>
  );
}
