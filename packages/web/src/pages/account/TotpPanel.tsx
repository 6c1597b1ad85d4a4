import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import type { TotpEnrolment } from '../../api/types';
import { useAuth, useUser } from '../../auth/session';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { Badge, Panel } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';

export function TotpPanel() {
  const user = useUser();
  const { refresh } = useAuth();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const t = useT();

  useEffect(() => {
    if (!enrolment) return setQr(null);
    let live = true;
    // Loaded on demand: only this step of this page needs a QR encoder.
    import('qrcode')
      .then((QRCode) => QRCode.toDataURL(enrolment.otpauthUrl, { margin: 1, width: 200, errorCorrectionLevel: 'M' }))
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [enrolment]);

  const start = () =>
    action.run(async () => {
      setNotice(null);
      setCode('');
      setEnrolment(await api.account.totpEnrol());
    });

  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.account.totpConfirm(code.replace(/\s+/g, ''));
      setEnrolment(null);
      setCode('');
      await refresh();
      setNotice(t('security.totpEnabled'));
    });
  };

  const disable = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.account.totpDisable(code.replace(/\s+/g, ''));
      setCode('');
      await refresh();
      setNotice(t('security.totpRemoved'));
    });
  };

  const status = user.totpEnabled ? <Badge tone="ok">{t('security.on')}</Badge> : <Badge>{t('security.off')}</Badge>;

  return (
    <Panel title={t('security.totp')} description={t('security.totpHelp')} actions={status}>
      <FormAlert message={notice} tone="success" />
      <FormAlert message={action.error} />
      {user.totpEnabled ? (
        <form className="form-row" onSubmit={disable} noValidate>
          <TextField
            label={t('security.totpDisableCode')}
            name="totpDisableCode"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={setCode}
            error={action.fields.code}
            className="field--code"
          />
          <button type="submit" className="btn btn--danger" disabled={action.busy}>
            {t('security.turnOff')}
          </button>
        </form>
      ) : enrolment ? (
        <div className="totp-setup">
          <div className="totp-setup__qr">
            {qr ? (
              <img src={qr} width={200} height={200} alt={t('security.qrAlt')} />
            ) : (
              <div className="totp-setup__qr-placeholder" />
            )}
          </div>
          <div className="stack">
            <ol className="steps">
              <li>{t('security.stepScan')}</li>
              <li>
                {t('security.stepKey')}
                <code className="secret" data-testid="totp-secret">
                  {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
                </code>
              </li>
              <li>{t('security.stepFinish')}</li>
            </ol>
            <form className="form-row" onSubmit={confirm} noValidate>
              <TextField
                label={t('security.totpConfirmCode')}
                name="totpConfirmCode"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={setCode}
                error={action.fields.code}
                className="field--code"
              />
              <button type="submit" className="btn btn--primary" disabled={action.busy}>
                {t('security.confirmTurnOn')}
              </button>
              <button type="button" className="btn btn--ghost" onClick={() => setEnrolment(null)}>
                {t('common.cancel')}
              </button>
            </form>
          </div>
        </div>
      ) : (
        <button type="button" className="btn btn--primary" onClick={start} disabled={action.busy}>
          {t('security.setUpTotp')}
        </button>
      )}
    </Panel>
  );
}
