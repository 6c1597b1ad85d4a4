import { useState } from 'react';
import { useUser } from '../../auth/session';
import { EmptyState, PageHeader } from '../../components/ui';
import { AccountRequestsAdmin } from './AccountRequestsAdmin';
import { GroupsAdmin } from './GroupsAdmin';
import { IdentityProvidersAdmin } from './IdentityProvidersAdmin';
import { UsersAdmin } from './UsersAdmin';

export function AdminPage() {
  const user = useUser();
  // Carrying out a request changes an account: the accounts table reloads.
  const [accountsVersion, setAccountsVersion] = useState(0);
  if (!user.isAdmin) {
    return (
      <div className="page">
        <PageHeader title="Administration" />
        <EmptyState title="Only instance administrators can open this page." />
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title="Administration" eyebrow="Instance">
        Accounts, groups and sides of this Parley instance. Delegations are managed by each side’s secretariat.
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
