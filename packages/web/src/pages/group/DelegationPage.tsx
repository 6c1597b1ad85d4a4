import { useParams } from 'react-router';
import { EmptyState, SideCode } from '../../components/ui';
import { AccountHelpPanel } from './AccountHelpPanel';
import { AgenciesPanel } from './AgenciesPanel';
import { useGroupContext } from './context';
import { InvitationPanel } from './InvitationPanel';
import { MembersPanel } from './MembersPanel';

export function DelegationPage() {
  const { sideId = '' } = useParams();
  const ctx = useGroupContext();
  const side = ctx.group.sides.find((s) => s.id === sideId);
  const entry = ctx.roster.sides.find((s) => s.side.id === sideId);
  if (!side || !entry || !ctx.managedSideIds.has(sideId)) {
    return (
      <EmptyState title="You cannot manage this delegation.">
        Only the chairs and the secretariat of a side manage its delegation.
      </EmptyState>
    );
  }
  const agencies = entry.agencies.flatMap((a) => (a.agency ? [a.agency] : []));
  const members = entry.agencies.flatMap((a) => a.roles.flatMap((r) => r.members));
  return (
    <div className="delegation">
      <div className="delegation__intro">
        <SideCode side={side} large />
        <div>
          <h2>Delegation of {side.name}</h2>
          <p className="muted">
            Changes take effect at once and are recorded in the audit log. Side-only entries are never shown to other
            sides.
          </p>
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
