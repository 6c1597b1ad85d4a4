import type { StepUpCode } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import { passkeysSupported, stepUpWithPasskey } from '../auth/passkeys';
import { useT } from '../i18n/I18nProvider';
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
  const t = useT();
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
        <h3 id="step-up-title">{t('lifecycle-ui.stepUpNoFactorTitle')}</h3>
        <p>
          <FormattedMessage
            id="lifecycle-ui.stepUpNoFactorBody"
            values={{ link: (chunks) => <Link to="/account">{chunks}</Link> }}
          />
        </p>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.close')}
        </button>
      </section>
    );
  }
  return (
    <section className="step-up" aria-labelledby="step-up-title">
      <h3 id="step-up-title">{t('lifecycle-ui.stepUpTitle')}</h3>
      <p>{t('lifecycle-ui.stepUpBody')}</p>
      <FormAlert message={action.error} />
      <form className="step-up__form" onSubmit={onSubmit}>
        <TextField
          label={t('lifecycle-ui.authenticatorCode')}
          value={totp}
          onChange={setTotp}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          error={action.fields.code}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={action.busy || totp.trim().length !== 6}>
            {t('lifecycle-ui.confirmCode')}
          </button>
          {passkeysSupported() ? (
            <button type="button" className="btn" disabled={action.busy} onClick={() => confirm(stepUpWithPasskey)}>
              {t('lifecycle-ui.usePasskey')}
            </button>
          ) : null}
          <button type="button" className="btn btn--ghost" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
