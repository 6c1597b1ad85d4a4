import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import type { TotpEnrolment } from '../../api/types';
import { useAuth, useUser } from '../../auth/session';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { Badge, Panel } from '../../components/ui';

export function TotpPanel() {
  const user = useUser();
  const { refresh } = useAuth();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();

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
      setNotice('Authenticator app enabled. You will be asked for a code when you sign in.');
      await refresh();
    });
  };

  const disable = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.account.totpDisable(code.replace(/\s+/g, ''));
      setCode('');
      setNotice('Authenticator app removed.');
      await refresh();
    });
  };

  const status = user.totpEnabled ? <Badge tone="ok">On</Badge> : <Badge>Off</Badge>;

  return (
    <Panel
      title="Authenticator app"
      description="Time-based six-digit codes from an app such as FreeOTP or Google Authenticator."
      actions={status}
    >
      <FormAlert message={notice} tone="success" />
      <FormAlert message={action.error} />
      {user.totpEnabled ? (
        <form className="form-row" onSubmit={disable} noValidate>
          <TextField
            label="Current code to turn it off"
            name="totpDisableCode"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={setCode}
            error={action.fields.code}
            className="field--code"
          />
          <button type="submit" className="btn btn--danger" disabled={action.busy}>
            Turn off
          </button>
        </form>
      ) : enrolment ? (
        <div className="totp-setup">
          <div className="totp-setup__qr">
            {qr ? (
              <img src={qr} width={200} height={200} alt="QR code to add Parley to your authenticator app" />
            ) : (
              <div className="totp-setup__qr-placeholder" />
            )}
          </div>
          <div className="stack">
            <ol className="steps">
              <li>Scan the QR code with your authenticator app.</li>
              <li>
                Or enter this key by hand:
                <code className="secret" data-testid="totp-secret">
                  {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
                </code>
              </li>
              <li>Enter the code the app shows to finish.</li>
            </ol>
            <form className="form-row" onSubmit={confirm} noValidate>
              <TextField
                label="Code from the app"
                name="totpConfirmCode"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={setCode}
                error={action.fields.code}
                className="field--code"
              />
              <button type="submit" className="btn btn--primary" disabled={action.busy}>
                Confirm and turn on
              </button>
              <button type="button" className="btn btn--ghost" onClick={() => setEnrolment(null)}>
                Cancel
              </button>
            </form>
          </div>
        </div>
      ) : (
        <button type="button" className="btn btn--primary" onClick={start} disabled={action.busy}>
          Set up authenticator app
        </button>
      )}
    </Panel>
  );
}
