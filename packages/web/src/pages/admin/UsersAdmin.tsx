import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { CheckboxField, FormAlert, TextField, useAction } from '../../components/forms';
import { Badge, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { AccountActions } from './AccountActions';

export function UsersAdmin({ reloadKey = 0 }: { reloadKey?: number }) {
  const list = useResource(() => api.admin.users(), String(reloadKey));
  const [outcome, setOutcome] = useState<string | null>(null);
  const accountAction = useAction();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const t = useT();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    void action.run(async () => {
      const u = await api.admin.createUser({ email, displayName, password, isAdmin });
      setEmail('');
      setDisplayName('');
      setPassword('');
      setIsAdmin(false);
      setDone(t('admin.accountCreated', { name: u.displayName }));
      await list.reload();
    });
  };

  const users = list.data?.users ?? [];
  return (
    <Panel
      title={t('admin.accounts')}
      description={list.data ? t('admin.accountCount', { count: users.length }) : undefined}
    >
      <FormAlert message={list.error} />
      <FormAlert message={outcome} tone="success" />
      <FormAlert message={accountAction.error} />
      {list.loading ? (
        <Loading />
      ) : (
        <div className="table-wrap table-wrap--scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.email')}</th>
                <th scope="col">{t('admin.secondFactors')}</th>
                <th scope="col">{t('admin.access')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.displayName}</th>
                  <td>
                    <bdi>{u.email}</bdi>
                  </td>
                  <td>
                    {u.totpEnabled ? <Badge tone="ok">{t('admin.app')}</Badge> : null}{' '}
                    {u.passkeyCount > 0 ? (
                      <Badge tone="ok">{t('admin.passkeyCount', { count: u.passkeyCount })}</Badge>
                    ) : null}
                    {!u.totpEnabled && u.passkeyCount === 0 ? <span className="muted">{t('admin.none')}</span> : null}
                  </td>
                  <td>
                    {u.isAdmin ? <Badge tone="accent">{t('admin.administrator')}</Badge> : t('admin.user')}{' '}
                    {u.disabled ? <Badge>{t('admin.disabledBadge')}</Badge> : null}
                  </td>
                  <td>
                    <AccountActions
                      user={u}
                      busy={accountAction.busy}
                      run={(what) =>
                        void accountAction.run(async () => {
                          setOutcome(null);
                          setOutcome(await what());
                          await list.reload();
                        })
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="form-inline-block" onSubmit={onSubmit} noValidate>
        <h3 className="form-title">{t('admin.createAccount')}</h3>
        <FormAlert message={done} tone="success" />
        <FormAlert message={action.error} />
        <div className="form-grid form-grid--3">
          <TextField
            label={t('admin.email')}
            type="email"
            name="newUserEmail"
            autoComplete="off"
            value={email}
            onChange={setEmail}
            error={action.fields.email}
          />
          <TextField
            label={t('admin.fullName')}
            name="newUserName"
            autoComplete="off"
            value={displayName}
            onChange={setDisplayName}
            error={action.fields.displayName}
          />
          <TextField
            label={t('admin.initialPassword')}
            type="password"
            name="newUserPassword"
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
            error={action.fields.password}
            hint={t('admin.passwordHint')}
          />
        </div>
        <div className="form-actions">
          <CheckboxField label={t('admin.instanceAdmin')} checked={isAdmin} onChange={setIsAdmin} />
          <button type="submit" className="btn btn--primary" disabled={action.busy}>
            {t('admin.createAccountButton')}
          </button>
        </div>
      </form>
    </Panel>
  );
}
