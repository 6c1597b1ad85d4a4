import type { Agency, Role, Side } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import type { InvitationCreated } from '../../api/types';
import { CheckboxField, FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { CopyField, formatDateTime, Panel, ROLE_OPTIONS } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { agencyOptions } from './context';
import { PendingInvitations } from './PendingInvitations';

const EXPIRY_HOURS = [24, 72, 168, 336];

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
  const t = useT();
  const expiry = EXPIRY_HOURS.map((h) => ({
    value: String(h),
    label: h < 48 ? t('delegation.hours', { count: h }) : t('delegation.days', { count: h / 24 }),
  }));

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
    <Panel title={t('delegation.inviteNew')} description={t('delegation.inviteNewHelp')}>
      {created ? (
        <div className="stack invitation-created">
          <FormAlert tone="success" message={t('delegation.invitationCreated')} />
          <CopyField
            label={t('delegation.invitationLink')}
            value={absolute(created.url)}
            hint={t('delegation.shownOnce')}
          />
          <p className="muted small">{t('delegation.validUntil', { when: formatDateTime(created.expiresAt) })}</p>
          <div>
            <button type="button" className="btn btn--secondary" onClick={() => setCreated(null)}>
              {t('delegation.createAnother')}
            </button>
          </div>
        </div>
      ) : (
        <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
          <FormAlert message={action.error} />
          <div className="form-grid form-grid--2">
            <SelectField
              label={t('delegation.role')}
              value={role}
              onChange={(v) => setRole(v as Role)}
              options={ROLE_OPTIONS}
              error={action.fields.role}
            />
            <SelectField
              label={t('delegation.agency')}
              value={agencyId}
              onChange={setAgencyId}
              options={agencyOptions(agencies)}
              error={action.fields.agencyId}
            />
          </div>
          <TextField
            label={t('delegation.titleField')}
            name="inviteTitle"
            value={title}
            onChange={setTitle}
            error={action.fields.title}
          />
          <TextField
            label={t('delegation.restrictEmail')}
            type="email"
            name="inviteEmail"
            value={email}
            onChange={setEmail}
            error={action.fields.email}
            hint={t('delegation.restrictEmailHint')}
          />
          <SelectField
            label={t('delegation.validFor')}
            value={expires}
            onChange={setExpires}
            options={expiry}
            error={action.fields.expiresInHours}
          />
          <CheckboxField
            label={t('common.sideOnly')}
            checked={sideOnly}
            onChange={setSideOnly}
            hint={t('delegation.inviteSideOnlyHint')}
          />
          <div>
            <button type="submit" className="btn btn--primary" disabled={action.busy}>
              {t('delegation.createInvitation')}
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
