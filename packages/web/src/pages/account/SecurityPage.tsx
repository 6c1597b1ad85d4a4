import { useUser } from '../../auth/session';
import { PageHeader } from '../../components/ui';
import { AppearancePanel } from './AppearancePanel';
import { PasskeysPanel } from './PasskeysPanel';
import { PasswordPanel } from './PasswordPanel';
import { RecoveryCodesPanel } from './RecoveryCodesPanel';
import { SessionsPanel } from './SessionsPanel';
import { TotpPanel } from './TotpPanel';

export function SecurityPage() {
  const user = useUser();
  return (
    <div className="page page--narrow">
      <PageHeader title="Account security" eyebrow="Account">
        <p>
          Signed in as <span className="strong">{user.displayName}</span> ({user.email}). Protect your account with a
          second factor: an authenticator app, a passkey, or both.
        </p>
      </PageHeader>
      <div className="stack stack--loose">
        <TotpPanel />
        <PasskeysPanel />
        <RecoveryCodesPanel />
        <SessionsPanel />
        <PasswordPanel />
        <AppearancePanel />
      </div>
    </div>
  );
}
