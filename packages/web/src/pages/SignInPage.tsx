import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/endpoints';
import { safeNext } from '../auth/next-target';
import { passkeysSupported, signInWithPasskey } from '../auth/passkeys';
import { providerRefusal } from '../auth/provider-refusals';
import { useAuth } from '../auth/session';
import { AuthShell } from '../components/AuthShell';
import { FormAlert, TextField, useAction } from '../components/forms';
import { Loading } from '../components/ui';
import { useResource } from '../components/useResource';
import { useT } from '../i18n/I18nProvider';

type Method = 'totp' | 'passkey';
type Step = Method | 'recovery';

export function SignInPage() {
  const { state, refresh } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const sessionEnded = (useLocation().state as { sessionEnded?: boolean } | null)?.sessionEnded === true;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [methods, setMethods] = useState<Method[] | null>(null);
  const action = useAction();
  const providers = useResource(() => api.auth.providers(), '');
  const refused = providerRefusal(params.get('oidc_error'));
  const t = useT();

  // A reload in the middle of a login resumes at the second step.
  useEffect(() => {
    if (state.status === 'second_factor' && methods === null) setMethods(['totp', 'passkey']);
  }, [state.status, methods]);

  if (state.status === 'loading') return <Loading label={t('sign-in.checkingSession')} />;
  if (state.status === 'signed_in') return <Navigate to={next} replace />;

  const finish = async () => {
    const s = await refresh();
    if (s.status === 'signed_in') navigate(next, { replace: true });
  };

  const onPassword = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const res = await api.auth.login(email, password);
      setPassword('');
      if (res.status === 'ok') return finish();
      setMethods(res.methods);
    });
  };

  const onPasskey = () =>
    action.run(async () => {
      await signInWithPasskey();
      await finish();
    });

  if (methods) {
    return (
      <AuthShell title={t('sign-in.confirmTitle')} lede={t('sign-in.confirmLede')}>
        <SecondFactor
          methods={methods}
          email={email}
          onDone={finish}
          onCancel={async () => {
            await api.auth.logout().catch(() => undefined);
            setMethods(null);
            await refresh();
          }}
        />
      </AuthShell>
    );
  }

  return (
    <AuthShell title={t('sign-in.title')} lede={t('sign-in.lede')}>
      <form className="stack" onSubmit={onPassword} noValidate>
        {sessionEnded && !action.error ? (
          <p className="alert alert--info" role="status">
            {t('sign-in.sessionEnded')}
          </p>
        ) : null}
        <FormAlert message={action.error ?? refused} />
        <TextField
          label={t('sign-in.email')}
          type="email"
          name="email"
          autoComplete="username webauthn"
          required
          value={email}
          onChange={setEmail}
          error={action.fields.email}
        />
        <TextField
          label={t('sign-in.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={action.fields.password}
        />
        <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
          {action.busy ? t('sign-in.submitting') : t('sign-in.submit')}
        </button>
      </form>
      {passkeysSupported() ? (
        <>
          <div className="divider" aria-hidden="true">
            <span>{t('sign-in.or')}</span>
          </div>
          <button type="button" className="btn btn--secondary btn--block" onClick={onPasskey} disabled={action.busy}>
            {t('sign-in.withPasskey')}
          </button>
        </>
      ) : null}
      {(providers.data?.providers.length ?? 0) > 0 ? (
        <nav className="stack stack--tight" aria-label={t('sign-in.providersLabel')}>
          <div className="divider" aria-hidden="true">
            <span>{t('sign-in.orProvider')}</span>
          </div>
          {providers.data!.providers.map((p) => (
            <a key={p.id} className="btn btn--secondary btn--block" href={api.auth.providerStartUrl(p.id)}>
              {t('sign-in.withProvider', { provider: p.name })}
            </a>
          ))}
        </nav>
      ) : null}
    </AuthShell>
  );
}

function SecondFactor({
  methods,
  email,
  onDone,
  onCancel,
}: {
  methods: Method[];
  email: string;
  onDone: () => Promise<void>;
  onCancel: () => Promise<void>;
}) {
  const [method, setMethod] = useState<Step>(methods.includes('totp') ? 'totp' : 'passkey');
  const [code, setCode] = useState('');
  const action = useAction();
  const t = useT();

  const onTotp = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.auth.loginTotp(code.replace(/\s+/g, ''));
      await onDone();
    });
  };
  const onPasskey = () =>
    action.run(async () => {
      await signInWithPasskey(email || undefined);
      await onDone();
    });
  const onRecovery = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.auth.loginRecoveryCode(code);
      await onDone();
    });
  };
  const choose = (m: Step) => {
    setMethod(m);
    setCode('');
    action.reset();
  };

  return (
    <div className="stack">
      <FormAlert message={action.error} />
      {method === 'recovery' ? (
        <form className="stack" onSubmit={onRecovery} noValidate>
          <TextField
            label={t('sign-in.recoveryCode')}
            name="recoveryCode"
            autoComplete="off"
            autoFocus
            hint={t('sign-in.recoveryHint')}
            value={code}
            onChange={setCode}
            error={action.fields.code}
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
            {action.busy ? t('sign-in.verifying') : t('sign-in.useCode')}
          </button>
          <p className="muted">{t('sign-in.noCodesLeft')}</p>
        </form>
      ) : method === 'totp' ? (
        <form className="stack" onSubmit={onTotp} noValidate>
          <TextField
            label={t('sign-in.totpCode')}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={7}
            autoFocus
            className="field--code"
            hint={t('sign-in.totpHint')}
            value={code}
            onChange={setCode}
            error={action.fields.code}
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
            {action.busy ? t('sign-in.verifying') : t('sign-in.verify')}
          </button>
        </form>
      ) : (
        <div className="stack">
          <p className="muted">{t('sign-in.passkeyHelp')}</p>
          <button type="button" className="btn btn--primary btn--block" onClick={onPasskey} disabled={action.busy}>
            {action.busy ? t('sign-in.waitingPasskey') : t('sign-in.usePasskey')}
          </button>
        </div>
      )}
      <div className="auth-alt">
        {methods.includes('totp') && method !== 'totp' ? (
          <button type="button" className="btn btn--link" onClick={() => choose('totp')}>
            {t('sign-in.insteadTotp')}
          </button>
        ) : null}
        {methods.includes('passkey') && method !== 'passkey' ? (
          <button type="button" className="btn btn--link" onClick={() => choose('passkey')}>
            {t('sign-in.insteadPasskey')}
          </button>
        ) : null}
        {method !== 'recovery' ? (
          <button type="button" className="btn btn--link" onClick={() => choose('recovery')}>
            {t('sign-in.insteadRecovery')}
          </button>
        ) : null}
        <button type="button" className="btn btn--link" onClick={() => void onCancel()}>
          {t('sign-in.startAgain')}
        </button>
      </div>
    </div>
  );
}
