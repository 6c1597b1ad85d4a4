import { useParams } from 'react-router';
import { EmptyState, SideCode } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { AccountHelpPanel } from './AccountHelpPanel';
import { AgenciesPanel } from './AgenciesPanel';
import { useGroupContext } from './context';
import { InvitationPanel } from './InvitationPanel';
import { MembersPanel } from './MembersPanel';

export function DelegationPage() {
  const { sideId = '' } = useParams();
  const ctx = useGroupContext();
  const t = useT();
  const side = ctx.group.sides.find((s) => s.id === sideId);
  const entry = ctx.roster.sides.find((s) => s.side.id === sideId);
  if (!side || !entry || !ctx.managedSideIds.has(sideId)) {
    return <EmptyState title={t('delegation.cannotManage')}>{t('delegation.cannotManageBody')}</EmptyState>;
  }
  const agencies = entry.agencies.flatMap((a) => (a.agency ? [a.agency] : []));
  const members = entry.agencies.flatMap((a) => a.roles.flatMap((r) => r.members));
  return (
    <div className="delegation">
      <div className="delegation__intro">
        <SideCode side={side} large />
        <div>
          <h2>{t('delegation.title', { side: side.name })}</h2>
          <p className="muted">{t('delegation.lede')}</p>
        </div>
      </div>
      <MembersPanel groupId={ctx.group.id} side={side} agencies={agencies} members={members} onChanged={ctx.reload} />
      <div className="delegation__grid">
        <AgenciesPanel
          groupId={ctx.group.id}
          sideId={side.id}
          agencies={agencies}
          members={members}
          onChanged={ctx.reload}
        />
        <InvitationPanel groupId={ctx.group.id} side={side} agencies={agencies} />
      </div>
      {ctx.group.myMembership?.role === 'chair' && ctx.group.myMembership.sideId === side.id ? (
        <AccountHelpPanel groupId={ctx.group.id} members={members} />
      ) : null}
    </div>
  );
}
