import { mlsContext, type Roster } from '@parley/protocol';
import { useMemo } from 'react';
import { NavLink, useParams, useSearchParams } from 'react-router';
import { useUser } from '../auth/session';
import { EmptyState, Panel } from '../components/ui';
import { useGroupContext } from '../pages/group/context';
import { useBackChannelStepUp } from './step-up-gate';
import { ThreadView, useThread } from './ThreadView';

/** User ids of a side's members in the given role (or all roles), as far as the roster shows them. */
export function sideMembers(roster: Roster, sideId: string, role?: string): string[] {
  const side = roster.sides.find((s) => s.side.id === sideId);
  if (!side) return [];
  return side.agencies.flatMap((a) =>
    a.roles.filter((r) => !role || r.role === role).flatMap((r) => r.members.map((m) => m.userId)),
  );
}

/** The quiet messages between the chairs of the caller's side and another side. */
export function BackChannelPage() {
  const { group, roster } = useGroupContext();
  const user = useUser();
  const { otherSideId } = useParams();
  const [search] = useSearchParams();
  const mine = group.myMembership;
  const others = group.sides.filter((s) => s.id !== mine?.sideId);
  const other = others.find((s) => s.id === otherSideId) ?? others[0];
  const isChair = mine?.role === 'chair';
  const stepUp = useBackChannelStepUp(group, isChair);
  const context =
    isChair && stepUp.open && mine && other
      ? mlsContext({ kind: 'backchannel', groupId: group.id, sideIds: [mine.sideId, other.id] })
      : null;
  const allowed = useMemo(
    () =>
      mine && other ? [...sideMembers(roster, mine.sideId, 'chair'), ...sideMembers(roster, other.id, 'chair')] : [],
    [roster, mine, other],
  );
  const { state, thread } = useThread(context, user.id, allowed);
  if (!isChair || !other)
    return (
      <EmptyState title="Back channel">
        The back channel is a private thread between the chairs of two sides; only chairs can open it.
      </EmptyState>
    );
  return (
    <Panel
      title={`Back channel with ${other.name}`}
      description="Quiet messages between the chairs of the two sides. Nobody else — not the delegations, not the server — can read them."
    >
      {others.length > 1 ? (
        <nav className="thread-tabs" aria-label="Back channels">
          {others.map((s) => (
            <NavLink key={s.id} to={`/groups/${group.id}/backchannel/${s.id}`} className="subnav__link">
              {s.shortCode}
            </NavLink>
          ))}
        </nav>
      ) : null}
      {stepUp.prompt ?? (
        <ThreadView
          title="Back channel"
          group={group}
          roster={roster}
          state={state}
          thread={thread}
          highlight={search.get('message')}
          mayReestablish
        />
      )}
    </Panel>
  );
}

/** The side-only chat of the caller's delegation: other sides' devices are never in its MLS group. */
export function CaucusPage() {
  const { group, roster } = useGroupContext();
  const user = useUser();
  const mine = group.myMembership;
  const side = group.sides.find((s) => s.id === mine?.sideId);
  const context = mine ? mlsContext({ kind: 'caucus', groupId: group.id, sideId: mine.sideId }) : null;
  const allowed = useMemo(() => (mine ? sideMembers(roster, mine.sideId) : []), [roster, mine]);
  const { state, thread } = useThread(context, user.id, allowed);
  if (!mine || !side)
    return <EmptyState title="Caucus">Only delegates of a side have a caucus in this group.</EmptyState>;
  return (
    <Panel
      title={`${side.name} caucus`}
      description="Your delegation only. Other sides are never members of this conversation and cannot decrypt it."
    >
      <ThreadView
        title="Caucus"
        group={group}
        roster={roster}
        state={state}
        thread={thread}
        mayReestablish={mine.role === 'chair'}
      />
    </Panel>
  );
}
