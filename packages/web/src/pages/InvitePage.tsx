import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { useAuth } from '../auth/session';
import { AuthShell } from '../components/AuthShell';
import { FormAlert, TextField, useAction } from '../components/forms';
import { formatDateTime, Loading, ROLE_LABELS } from '../components/ui';
import { useResource } from '../components/useResource';

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

  if (preview.loading) return <Loading label="Opening your invitation…" />;
  if (!preview.data) {
    return (
      <AuthShell title="Invitation unavailable">
        <FormAlert
          message={
            preview.status === 404 || preview.status === 410
              ? 'This invitation link is not valid. It may have expired or already been used. Ask the secretariat that invited you for a new link.'
              : (preview.error ?? 'The invitation could not be opened.')
          }
        />
        <p>
          <Link to="/sign-in">Go to sign in</Link>
        </p>
      </AuthShell>
    );
  }
  const inv = preview.data;
  const lockedEmail = inv.email;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) {
      setConfirmError('The two passwords differ.');
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
    <AuthShell title="You are invited" lede="Create your account to join the delegation.">
      <dl className="invite-summary">
        <div>
          <dt>Group</dt>
          <dd>{inv.groupName}</dd>
        </div>
        <div>
          <dt>Side</dt>
          <dd>{inv.sideName}</dd>
        </div>
        {inv.agencyName ? (
          <div>
            <dt>Agency</dt>
            <dd>{inv.agencyName}</dd>
          </div>
        ) : null}
        <div>
          <dt>Role</dt>
          <dd>
            {ROLE_LABELS[inv.role]}
            {inv.title ? ` · ${inv.title}` : ''}
          </dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>{formatDateTime(inv.expiresAt)}</dd>
        </div>
      </dl>
      {state.status === 'signed_in' ? (
        <div className="stack">
          <FormAlert message={action.error} />
          <p>
            You are signed in as <span className="strong">{state.user.displayName}</span>.
          </p>
          <button type="button" className="btn btn--primary btn--block" onClick={onJoin} disabled={action.busy}>
            Join with this account
          </button>
        </div>
      ) : (
        <form className="stack" onSubmit={onSubmit} noValidate>
          <FormAlert message={action.error} />
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            readOnly={Boolean(lockedEmail)}
            hint={lockedEmail ? 'This invitation is addressed to this email.' : undefined}
            value={lockedEmail ?? email}
            onChange={setEmail}
            error={action.fields.email}
          />
          <TextField
            label="Full name"
            name="displayName"
            autoComplete="name"
            required
            hint="As it should appear on the roster."
            value={displayName}
            onChange={setDisplayName}
            error={action.fields.displayName}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={12}
            hint="At least 12 characters. A passphrase works well."
            value={password}
            onChange={setPassword}
            error={action.fields.password}
          />
          <TextField
            label="Confirm password"
            type="password"
            name="confirm"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={setConfirm}
            error={confirmError}
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
            {action.busy ? 'Creating your account…' : 'Create account and join'}
          </button>
        </form>
      )}
      {state.status === 'signed_in' ? null : (
        <p className="auth__aside">
          Already have an account? <Link to={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`}>Sign in</Link>{' '}
          first, then open this link again to join with it.
        </p>
      )}
    </AuthShell>
  );
}
