import { useState } from 'react';
import { useUser } from '../../auth/session';
import { EmptyState, PageHeader } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { AccountRequestsAdmin } from './AccountRequestsAdmin';
import { GroupsAdmin } from './GroupsAdmin';
import { IdentityProvidersAdmin } from './IdentityProvidersAdmin';
import { UsersAdmin } from './UsersAdmin';

export function AdminPage() {
  const user = useUser();
  const t = useT();
  // Carrying out a request changes an account: the accounts table reloads.
  const [accountsVersion, setAccountsVersion] = useState(0);
  if (!user.isAdmin) {
    return (
      <div className="page">
        <PageHeader title={t('common.administration')} />
        <EmptyState title={t('admin.onlyAdmins')} />
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title={t('common.administration')} eyebrow={t('admin.instance')}>
        {t('admin.lede')}
      </PageHeader>
      <div className="stack stack--loose">
        <AccountRequestsAdmin onChanged={() => setAccountsVersion((v) => v + 1)} />
        <UsersAdmin reloadKey={accountsVersion} />
        <GroupsAdmin />
        <IdentityProvidersAdmin />
      </div>
    </div>
  );
}
