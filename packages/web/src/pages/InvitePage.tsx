import { type FormEvent, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { useAuth } from '../auth/session';
import { AuthShell } from '../components/AuthShell';
import { FormAlert, TextField, useAction } from '../components/forms';
import { formatDateTime, Loading, ROLE_LABELS } from '../components/ui';
import { useResource } from '../components/useResource';
import { useT } from '../i18n/I18nProvider';

export function InvitePage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { state, refresh } = useAuth();
  const preview = useResource(() => api.invitations.preview(token), token);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [confirmError, setConfirmError] = useState<string | undefined>();
  const action = useAction();
  const t = useT();

  if (preview.loading) return <Loading label={t('invite.opening')} />;
  if (!preview.data) {
    return (
      <AuthShell title={t('invite.unavailable')}>
        <FormAlert
          message={
            preview.status === 404 || preview.status === 410
              ? t('invite.notValid')
              : (preview.error ?? t('invite.couldNotOpen'))
          }
        />
        <p>
          <Link to="/sign-in">{t('invite.goToSignIn')}</Link>
        </p>
      </AuthShell>
    );
  }
  const inv = preview.data;
  const lockedEmail = inv.email;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) {
      setConfirmError(t('security.passwordsDiffer'));
      return;
    }
    setConfirmError(undefined);
    void action.run(async () => {
      const res = await api.invitations.accept({ token, email: lockedEmail ?? email, displayName, password });
      await land(res.groupId);
    });
  };

  const land = async (groupId: string) => {
    const s = await refresh();
    const dest = `/groups/${groupId}`;
    if (s.status === 'signed_in') navigate(dest, { replace: true });
    else navigate(`/sign-in?next=${encodeURIComponent(dest)}`, { replace: true });
  };

  const onJoin = () =>
    action.run(async () => {
      const res = await api.invitations.join(token);
      await land(res.groupId);
    });

  return (
    <AuthShell title={t('invite.title')} lede={t('invite.lede')}>
      <dl className="invite-summary">
        <div>
          <dt>{t('invite.group')}</dt>
          <dd>{inv.groupName}</dd>
        </div>
        <div>
          <dt>{t('invite.side')}</dt>
          <dd>{inv.sideName}</dd>
        </div>
        {inv.agencyName ? (
          <div>
            <dt>{t('invite.agency')}</dt>
            <dd>{inv.agencyName}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('invite.role')}</dt>
          <dd>
            {ROLE_LABELS[inv.role]}
            {inv.title ? ` · ${inv.title}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('invite.expires')}</dt>
          <dd>{formatDateTime(inv.expiresAt)}</dd>
        </div>
      </dl>
      {state.status === 'signed_in' ? (
        <div className="stack">
          <FormAlert message={action.error} />
          <p>
            <FormattedMessage
              id="invite.signedInAs"
              values={{
                name: state.user.displayName,
                strong: (words) => <span className="strong">{words}</span>,
              }}
            />
          </p>
          <button type="button" className="btn btn--primary btn--block" onClick={onJoin} disabled={action.busy}>
            {t('invite.joinWithAccount')}
          </button>
        </div>
      ) : (
        <form className="stack" onSubmit={onSubmit} noValidate>
          <FormAlert message={action.error} />
          <TextField
            label={t('sign-in.email')}
            type="email"
            name="email"
            autoComplete="username"
            required
            readOnly={Boolean(lockedEmail)}
            hint={lockedEmail ? t('invite.addressedTo') : undefined}
            value={lockedEmail ?? email}
            onChange={setEmail}
            error={action.fields.email}
          />
          <TextField
            label={t('invite.fullName')}
            name="displayName"
            autoComplete="name"
            required
            hint={t('invite.fullNameHint')}
            value={displayName}
            onChange={setDisplayName}
            error={action.fields.displayName}
          />
          <TextField
            label={t('sign-in.password')}
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={12}
            hint={t('invite.passwordHint')}
            value={password}
            onChange={setPassword}
            error={action.fields.password}
          />
          <TextField
            label={t('invite.confirmPassword')}
            type="password"
            name="confirm"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={setConfirm}
            error={confirmError}
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
            {action.busy ? t('invite.creating') : t('invite.createAndJoin')}
          </button>
        </form>
      )}
      {state.status === 'signed_in' ? null : (
        <p className="auth__aside">
          <FormattedMessage
            id="invite.alreadyHaveAccount"
            values={{
              link: (words) => <Link to={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`}>{words}</Link>,
            }}
          />
        </p>
      )}
    </AuthShell>
  );
}
