import type { Agency, Membership } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { CheckboxField, FormAlert, TextField, useAction } from '../../components/forms';
import { Panel, SideOnlyBadge } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';

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
  const t = useT();

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
    if (!window.confirm(t('delegation.removeAgencyConfirm', { name: a.name }))) return;
    void remove.run(async () => {
      await api.groups.deleteAgency(groupId, sideId, a.id);
      await onChanged();
    });
  };

  return (
    <Panel title={t('delegation.agencies')} description={t('delegation.agenciesHelp')}>
      <FormAlert message={remove.error} />
      {agencies.length === 0 ? (
        <p className="muted">{t('delegation.noAgencies')}</p>
      ) : (
        <ul className="plain-list">
          {agencies.map((a) => {
            const n = members.filter((m) => m.agencyId === a.id).length;
            return (
              <li key={a.id} className="plain-list__row">
                <span>
                  <span className="strong">{a.name}</span> {a.marking === 'side-only' ? <SideOnlyBadge /> : null}
                  <span className="block muted small">{t('groups.delegateCount', { count: n })}</span>
                </span>
                <button
                  type="button"
                  className="btn btn--danger-ghost btn--small"
                  onClick={() => onRemove(a)}
                  aria-label={t('delegation.removeAgencyLabel', { name: a.name })}
                  disabled={remove.busy}
                >
                  {t('delegation.remove')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form className="stack stack--tight form-inline-block" onSubmit={onAdd} noValidate>
        <h3 className="form-title">{t('delegation.addAgency')}</h3>
        <FormAlert message={add.error} />
        <TextField
          label={t('delegation.agencyName')}
          name="agencyName"
          required
          value={name}
          onChange={setName}
          error={add.fields.name}
          placeholder={t('delegation.agencyPlaceholder')}
        />
        <CheckboxField
          label={t('common.sideOnly')}
          checked={sideOnly}
          onChange={setSideOnly}
          hint={t('delegation.agencySideOnlyHint')}
        />
        <div>
          <button type="submit" className="btn btn--primary" disabled={add.busy}>
            {t('delegation.addAgencyButton')}
          </button>
        </div>
      </form>
    </Panel>
  );
}
