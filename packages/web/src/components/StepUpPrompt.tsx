import type { StepUpCode } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import { passkeysSupported, stepUpWithPasskey } from '../auth/passkeys';
import { FormAlert, TextField, useAction } from './forms';

/** The step-up code of a refusal, if the server refused a chair action only for want of one. */
export function stepUpCodeOf(err: unknown): StepUpCode | null {
  const code = err instanceof ApiError ? err.problem.code : undefined;
  return code === 'chair_step_up_required' || code === 'chair_step_up_no_factor' ? code : null;
}

/**
 * Asked when a chair action was refused because the group wants chairs signed in through an identity provider to
 * confirm a factor Parley checks itself. Once confirmed, the session keeps it until sign-out; `onDone` retries.
 */
export function StepUpPrompt({
  code,
  onDone,
  onCancel,
}: {
  code: StepUpCode;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [totp, setTotp] = useState('');
  const action = useAction();
  const confirm = (fn: () => Promise<unknown>) =>
    void action.run(async () => {
      await fn();
      onDone();
    });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    confirm(() => api.account.stepUpTotp(totp.trim()));
  };

  if (code === 'chair_step_up_no_factor') {
    return (
      <section className="step-up" role="alert" aria-labelledby="step-up-title">
        <h3 id="step-up-title">Add a second factor to act as chair</h3>
        <p>
          This group asks chairs who sign in through their identity provider to confirm with a passkey or an
          authenticator app, and your account has neither yet. Open <Link to="/account">Account security</Link>, add a
          passkey or set up an authenticator app, then come back and try again.
        </p>
        <button type="button" className="btn" onClick={onCancel}>
          Close
        </button>
      </section>
    );
  }
  return (
    <section className="step-up" aria-labelledby="step-up-title">
      <h3 id="step-up-title">Confirm it is you</h3>
      <p>
        This group asks chairs who signed in through their identity provider to confirm with a passkey or an
        authenticator code. You are asked once per session.
      </p>
      <FormAlert message={action.error} />
      <form className="step-up__form" onSubmit={onSubmit}>
        <TextField
          label="Authenticator code"
          value={totp}
          onChange={setTotp}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          error={action.fields.code}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={action.busy || totp.trim().length !== 6}>
            Confirm code
          </button>
          {passkeysSupported() ? (
            <button type="button" className="btn" disabled={action.busy} onClick={() => confirm(stepUpWithPasskey)}>
              Use a passkey
            </button>
          ) : null}
          <button type="button" className="btn btn--ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
