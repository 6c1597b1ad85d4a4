import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { CheckboxField, FormAlert, TextField, useAction } from '../../components/forms';
import { Badge, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
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

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    void action.run(async () => {
      const u = await api.admin.createUser({ email, displayName, password, isAdmin });
      setEmail('');
      setDisplayName('');
      setPassword('');
      setIsAdmin(false);
      setDone(`Account created for ${u.displayName}. Pass the initial password on through a separate channel.`);
      await list.reload();
    });
  };

  const users = list.data?.users ?? [];
  return (
    <Panel title="Accounts" description={list.data ? `${users.length} accounts on this instance.` : undefined}>
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
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Second factors</th>
                <th scope="col">Access</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.displayName}</th>
                  <td>{u.email}</td>
                  <td>
                    {u.totpEnabled ? <Badge tone="ok">App</Badge> : null}{' '}
                    {u.passkeyCount > 0 ? (
                      <Badge tone="ok">{u.passkeyCount === 1 ? '1 passkey' : `${u.passkeyCount} passkeys`}</Badge>
                    ) : null}
                    {!u.totpEnabled && u.passkeyCount === 0 ? <span className="muted">None</span> : null}
                  </td>
                  <td>
                    {u.isAdmin ? <Badge tone="accent">Administrator</Badge> : 'User'}{' '}
                    {u.disabled ? <Badge>Disabled</Badge> : null}
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
        <h3 className="form-title">Create an account</h3>
        <FormAlert message={done} tone="success" />
        <FormAlert message={action.error} />
        <div className="form-grid form-grid--3">
          <TextField
            label="Email"
            type="email"
            name="newUserEmail"
            autoComplete="off"
            value={email}
            onChange={setEmail}
            error={action.fields.email}
          />
          <TextField
            label="Full name"
            name="newUserName"
            autoComplete="off"
            value={displayName}
            onChange={setDisplayName}
            error={action.fields.displayName}
          />
          <TextField
            label="Initial password"
            type="password"
            name="newUserPassword"
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
            error={action.fields.password}
            hint="At least 12 characters."
          />
        </div>
        <div className="form-actions">
          <CheckboxField label="Instance administrator" checked={isAdmin} onChange={setIsAdmin} />
          <button type="submit" className="btn btn--primary" disabled={action.busy}>
            Create account
          </button>
        </div>
      </form>
    </Panel>
  );
}
