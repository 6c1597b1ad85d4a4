import { FormattedMessage } from 'react-intl';
import { useUser } from '../../auth/session';
import { PageHeader } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { AppearancePanel } from './AppearancePanel';
import { LanguagePanel } from './LanguagePanel';
import { PasskeysPanel } from './PasskeysPanel';
import { PasswordPanel } from './PasswordPanel';
import { RecoveryCodesPanel } from './RecoveryCodesPanel';
import { SessionsPanel } from './SessionsPanel';
import { TotpPanel } from './TotpPanel';

export function SecurityPage() {
  const user = useUser();
  const t = useT();
  return (
    <div className="page page--narrow">
      <PageHeader title={t('account.title')} eyebrow={t('account.eyebrow')}>
        <p>
          <FormattedMessage
            id="account.lede"
            values={{
              name: user.displayName,
              email: <bdi>{user.email}</bdi>,
              strong: (words) => <span className="strong">{words}</span>,
            }}
          />
        </p>
      </PageHeader>
      <div className="stack stack--loose">
        <TotpPanel />
        <PasskeysPanel />
        <RecoveryCodesPanel />
        <SessionsPanel />
        <PasswordPanel />
        <AppearancePanel />
        <LanguagePanel />
      </div>
    </div>
  );
}
