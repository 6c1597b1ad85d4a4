import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { passkeysSupported, registerPasskey } from '../../auth/passkeys';
import { useAuth } from '../../auth/session';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { formatDateTime, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';

export function PasskeysPanel() {
  const { refresh } = useAuth();
  const list = useResource(() => api.account.passkeys(), '');
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const add = useAction();
  const remove = useAction();
  const supported = passkeysSupported();

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    void add.run(async () => {
      const label = name.trim() || 'Passkey';
      await registerPasskey(label);
      setName('');
      setNotice(`Passkey “${label}” added.`);
      await Promise.all([list.reload(), refresh()]);
    });
  };

  const onRemove = (id: string, label: string) => {
    if (!window.confirm(`Remove the passkey “${label}”? You will no longer be able to sign in with it.`)) return;
    setNotice(null);
    void remove.run(async () => {
      await api.account.deletePasskey(id);
      await Promise.all([list.reload(), refresh()]);
    });
  };

  const keys = list.data?.passkeys ?? [];
  return (
    <Panel title="Passkeys" description="Sign in with this device’s screen lock or a hardware security key.">
      <FormAlert message={notice} tone="success" />
      <FormAlert message={list.error ?? remove.error} />
      {list.loading ? (
        <Loading />
      ) : keys.length === 0 ? (
        <p className="muted">No passkeys yet.</p>
      ) : (
        <ul className="plain-list" aria-label="Your passkeys">
          {keys.map((k) => (
            <li key={k.id} className="plain-list__row">
              <span>
                <span className="strong">{k.name}</span>
                <span className="block muted small">
                  Added {formatDateTime(k.createdAt)} ·{' '}
                  {k.lastUsedAt ? `last used ${formatDateTime(k.lastUsedAt)}` : 'never used'}
                </span>
              </span>
              <button
                type="button"
                className="btn btn--danger-ghost btn--small"
                onClick={() => onRemove(k.id, k.name)}
                aria-label={`Remove passkey ${k.name}`}
                disabled={remove.busy}
              >
                Remove
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
              label="Passkey name"
              name="passkeyName"
              placeholder="e.g. Office laptop"
              value={name}
              onChange={setName}
              error={add.fields.name}
            />
            <button type="submit" className="btn btn--primary" disabled={add.busy}>
              {add.busy ? 'Waiting for your device…' : 'Add a passkey'}
            </button>
          </div>
        </form>
      ) : (
        <FormAlert tone="info" message="This browser does not support passkeys." />
      )}
    </Panel>
  );
}
