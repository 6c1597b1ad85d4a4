import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { passkeysSupported, registerPasskey } from '../../auth/passkeys';
import { useAuth } from '../../auth/session';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { formatDateTime, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';

export function PasskeysPanel() {
  const { refresh } = useAuth();
  const list = useResource(() => api.account.passkeys(), '');
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const add = useAction();
  const remove = useAction();
  const supported = passkeysSupported();
  const t = useT();

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    void add.run(async () => {
      const label = name.trim() || t('security.passkeyDefaultName');
      await registerPasskey(label);
      setName('');
      // The notice says the passkey is there, so it waits for the list that shows it.
      await Promise.all([list.reload(), refresh()]);
      setNotice(t('security.passkeyAdded', { name: label }));
    });
  };

  const onRemove = (id: string, label: string) => {
    if (!window.confirm(t('security.passkeyRemoveConfirm', { name: label }))) return;
    setNotice(null);
    void remove.run(async () => {
      await api.account.deletePasskey(id);
      await Promise.all([list.reload(), refresh()]);
    });
  };

  const keys = list.data?.passkeys ?? [];
  return (
    <Panel title={t('security.passkeys')} description={t('security.passkeysHelp')}>
      <FormAlert message={notice} tone="success" />
      <FormAlert message={list.error ?? remove.error} />
      {list.loading ? (
        <Loading />
      ) : keys.length === 0 ? (
        <p className="muted">{t('security.noPasskeys')}</p>
      ) : (
        <ul className="plain-list" aria-label={t('security.yourPasskeys')}>
          {keys.map((k) => (
            <li key={k.id} className="plain-list__row">
              <span>
                <span className="strong">{k.name}</span>
                <span className="block muted small">
                  {k.lastUsedAt
                    ? t('security.passkeyAddedUsed', {
                        added: formatDateTime(k.createdAt),
                        used: formatDateTime(k.lastUsedAt),
                      })
                    : t('security.passkeyAddedNeverUsed', { added: formatDateTime(k.createdAt) })}
                </span>
              </span>
              <button
                type="button"
                className="btn btn--danger-ghost btn--small"
                onClick={() => onRemove(k.id, k.name)}
                aria-label={t('security.removePasskeyLabel', { name: k.name })}
                disabled={remove.busy}
              >
                {t('security.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {supported ? (
        <form className="form-inline-block" onSubmit={onAdd} noValidate>
          {add.error ? <FormAlert message={add.error} /> : null}
          <div className="form-row">
            <TextField
              label={t('security.passkeyName')}
              name="passkeyName"
              placeholder={t('security.passkeyNamePlaceholder')}
              value={name}
              onChange={setName}
              error={add.fields.name}
            />
            <button type="submit" className="btn btn--primary" disabled={add.busy}>
              {add.busy ? t('security.waitingDevice') : t('security.addPasskey')}
            </button>
          </div>
        </form>
      ) : (
        <FormAlert tone="info" message={t('security.passkeysUnsupported')} />
      )}
    </Panel>
  );
}
