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

  // A reload in the middle of a login resumes at the second step.
  useEffect(() => {
    if (state.status === 'second_factor' && methods === null) setMethods(['totp', 'passkey']);
  }, [state.status, methods]);

  if (state.status === 'loading') return <Loading label="Checking your session…" />;
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
      <AuthShell title="Confirm it’s you" lede="Your account is protected by a second factor.">
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
    <AuthShell title="Sign in" lede="Use the account your secretariat set up for you.">
      <form className="stack" onSubmit={onPassword} noValidate>
        {sessionEnded && !action.error ? (
          <p className="alert alert--info" role="status">
            Your session has ended. Sign in again to go back to where you were.
          </p>
        ) : null}
        <FormAlert message={action.error ?? refused} />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username webauthn"
          required
          value={email}
          onChange={setEmail}
          error={action.fields.email}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={action.fields.password}
        />
        <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {passkeysSupported() ? (
        <>
          <div className="divider" aria-hidden="true">
            <span>or</span>
          </div>
          <button type="button" className="btn btn--secondary btn--block" onClick={onPasskey} disabled={action.busy}>
            Sign in with a passkey
          </button>
        </>
      ) : null}
      {(providers.data?.providers.length ?? 0) > 0 ? (
        <nav className="stack stack--tight" aria-label="Sign in through your government’s identity provider">
          <div className="divider" aria-hidden="true">
            <span>or through your ministry</span>
          </div>
          {providers.data!.providers.map((p) => (
            <a key={p.id} className="btn btn--secondary btn--block" href={api.auth.providerStartUrl(p.id)}>
              Sign in with {p.name}
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
            label="Recovery code"
            name="recoveryCode"
            autoComplete="off"
            autoFocus
            hint="One of the codes you saved when you set up your second factor, such as abcde-23456."
            value={code}
            onChange={setCode}
            error={action.fields.code}
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
            {action.busy ? 'Verifying…' : 'Use this code'}
          </button>
          <p className="muted">
            No codes left? Ask your delegation’s chair or the Parley administrator to reset your second factor.
          </p>
        </form>
      ) : method === 'totp' ? (
        <form className="stack" onSubmit={onTotp} noValidate>
          <TextField
            label="Authentication code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={7}
            autoFocus
            className="field--code"
            hint="The 6-digit code from your authenticator app."
            value={code}
            onChange={setCode}
            error={action.fields.code}
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={action.busy}>
            {action.busy ? 'Verifying…' : 'Verify'}
          </button>
        </form>
      ) : (
        <div className="stack">
          <p className="muted">Use the passkey stored on this device or your security key.</p>
          <button type="button" className="btn btn--primary btn--block" onClick={onPasskey} disabled={action.busy}>
            {action.busy ? 'Waiting for your passkey…' : 'Use my passkey'}
          </button>
        </div>
      )}
      <div className="auth-alt">
        {methods.includes('totp') && method !== 'totp' ? (
          <button type="button" className="btn btn--link" onClick={() => choose('totp')}>
            Use an authenticator code instead
          </button>
        ) : null}
        {methods.includes('passkey') && method !== 'passkey' ? (
          <button type="button" className="btn btn--link" onClick={() => choose('passkey')}>
            Use a passkey instead
          </button>
        ) : null}
        {method !== 'recovery' ? (
          <button type="button" className="btn btn--link" onClick={() => choose('recovery')}>
            Use a recovery code
          </button>
        ) : null}
        <button type="button" className="btn btn--link" onClick={() => void onCancel()}>
          Start again
        </button>
      </div>
    </div>
  );
}
