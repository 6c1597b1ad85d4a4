import type { Agency, Membership, Role, Side } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { CheckboxField, FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { Panel, ROLE_OPTIONS } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
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
  const t = useT();
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
      setDone(t('delegation.memberAdded', { name: m.displayName }));
      await onChanged();
    });
  };

  return (
    <Panel title={t('delegation.delegates')} description={t('delegation.delegatesHelp', { side: side.name })}>
      {sorted.length === 0 ? (
        <p className="muted">{t('groups.noDelegates')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('delegation.name')}</th>
                <th scope="col">{t('delegation.role')}</th>
                <th scope="col">{t('delegation.agency')}</th>
                <th scope="col">{t('delegation.titleField')}</th>
                <th scope="col">{t('delegation.visibility')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('delegation.actions')}</span>
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
        <h3 className="form-title">{t('delegation.addExisting')}</h3>
        <FormAlert message={add.error} />
        <FormAlert message={done} tone="success" />
        <div className="form-grid">
          <TextField
            label={t('delegation.email')}
            type="email"
            name="memberEmail"
            required
            value={email}
            onChange={setEmail}
            error={add.fields.email}
          />
          <SelectField
            label={t('delegation.role')}
            value={role}
            onChange={(v) => setRole(v as Role)}
            options={ROLE_OPTIONS}
            error={add.fields.role}
          />
          <SelectField
            label={t('delegation.agency')}
            value={agencyId}
            onChange={setAgencyId}
            options={agencyOptions(agencies)}
            error={add.fields.agencyId}
          />
          <TextField
            label={t('delegation.titleField')}
            name="memberTitle"
            value={title}
            onChange={setTitle}
            error={add.fields.title}
            placeholder={t('delegation.titlePlaceholder')}
          />
        </div>
        <div className="form-actions">
          <CheckboxField label={t('common.sideOnly')} checked={sideOnly} onChange={setSideOnly} />
          <button type="submit" className="btn btn--primary" disabled={add.busy}>
            {t('delegation.addDelegate')}
          </button>
        </div>
      </form>
    </Panel>
  );
}
