import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { Panel } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';

export function PasswordPanel() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState<string | undefined>();
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const t = useT();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    if (next !== confirm) return setMismatch(t('security.passwordsDiffer'));
    setMismatch(undefined);
    void action.run(async () => {
      await api.account.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(t('security.passwordChanged'));
    });
  };

  return (
    <Panel title={t('security.password')} description={t('security.passwordHelp')}>
      <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
        <FormAlert message={done} tone="success" />
        <FormAlert message={action.error} />
        <div className="form-grid form-grid--3">
          <TextField
            label={t('security.currentPassword')}
            type="password"
            name="currentPassword"
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
            error={action.fields.currentPassword}
          />
          <TextField
            label={t('security.newPassword')}
            type="password"
            name="newPassword"
            autoComplete="new-password"
            value={next}
            onChange={setNext}
            error={action.fields.newPassword}
          />
          <TextField
            label={t('security.confirmPassword')}
            type="password"
            name="confirmPassword"
            autoComplete="new-password"
            value={confirm}
            onChange={setConfirm}
            error={mismatch}
          />
        </div>
        <div>
          <button type="submit" className="btn btn--primary" disabled={action.busy}>
            {t('security.changePassword')}
          </button>
        </div>
      </form>
    </Panel>
  );
}
