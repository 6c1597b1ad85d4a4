import type { Agency, Role, Side } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import type { InvitationCreated } from '../../api/types';
import { CheckboxField, FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { CopyField, formatDateTime, Panel, ROLE_OPTIONS } from '../../components/ui';
import { agencyOptions } from './context';
import { PendingInvitations } from './PendingInvitations';

const EXPIRY = [
  { value: '24', label: '24 hours' },
  { value: '72', label: '3 days' },
  { value: '168', label: '7 days' },
  { value: '336', label: '14 days' },
];

/** Creates a single-use invitation link; the server keeps only its hash, so the link is shown exactly once. */
export function InvitationPanel({ groupId, side, agencies }: { groupId: string; side: Side; agencies: Agency[] }) {
  const [role, setRole] = useState<Role>('member');
  const [agencyId, setAgencyId] = useState('');
  const [title, setTitle] = useState('');
  const [email, setEmail] = useState('');
  const [expires, setExpires] = useState('72');
  const [sideOnly, setSideOnly] = useState(false);
  const [version, setVersion] = useState(0);
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const action = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const inv = await api.groups.createInvitation(groupId, {
        sideId: side.id,
        role,
        agencyId: agencyId || null,
        title,
        marking: sideOnly ? 'side-only' : 'shared',
        ...(email.trim() ? { email: email.trim() } : {}),
        expiresInHours: Number(expires),
      });
      setCreated(inv);
      setTitle('');
      setEmail('');
      setSideOnly(false);
      setVersion((v) => v + 1);
    });
  };

  return (
    <Panel title="Invite someone new" description="For a delegate who has no account yet.">
      {created ? (
        <div className="stack invitation-created">
          <FormAlert tone="success" message="Invitation created. Send the link through a channel you trust." />
          <CopyField
            label="Invitation link"
            value={absolute(created.url)}
            hint="Shown only once; it cannot be retrieved later."
          />
          <p className="muted small">Valid until {formatDateTime(created.expiresAt)}. It can be used once.</p>
          <div>
            <button type="button" className="btn btn--secondary" onClick={() => setCreated(null)}>
              Create another invitation
            </button>
          </div>
        </div>
      ) : (
        <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
          <FormAlert message={action.error} />
          <div className="form-grid form-grid--2">
            <SelectField
              label="Role"
              value={role}
              onChange={(v) => setRole(v as Role)}
              options={ROLE_OPTIONS}
              error={action.fields.role}
            />
            <SelectField
              label="Agency"
              value={agencyId}
              onChange={setAgencyId}
              options={agencyOptions(agencies)}
              error={action.fields.agencyId}
            />
          </div>
          <TextField label="Title" name="inviteTitle" value={title} onChange={setTitle} error={action.fields.title} />
          <TextField
            label="Restrict to email (optional)"
            type="email"
            name="inviteEmail"
            value={email}
            onChange={setEmail}
            error={action.fields.email}
            hint="Only this address will be able to accept."
          />
          <SelectField
            label="Valid for"
            value={expires}
            onChange={setExpires}
            options={EXPIRY}
            error={action.fields.expiresInHours}
          />
          <CheckboxField
            label="Side-only"
            checked={sideOnly}
            onChange={setSideOnly}
            hint="The new delegate will not be shown to the other sides."
          />
          <div>
            <button type="submit" className="btn btn--primary" disabled={action.busy}>
              Create invitation link
            </button>
          </div>
        </form>
      )}
      <PendingInvitations groupId={groupId} sideId={side.id} agencies={agencies} version={version} />
    </Panel>
  );
}

function absolute(url: string): string {
  try {
    return new URL(url, window.location.origin).toString();
  } catch {
    return url;
  }
}
