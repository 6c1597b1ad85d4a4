import { mlsContext, type Roster } from '@parley/protocol';
import { useMemo } from 'react';
import { NavLink, useParams, useSearchParams } from 'react-router';
import { useUser } from '../auth/session';
import { EmptyState, Panel } from '../components/ui';
import { useT } from '../i18n/I18nProvider';
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
  const t = useT();
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
  if (!isChair || !other) return <EmptyState title={t('groups.backChannel')}>{t('backchannel.chairsOnly')}</EmptyState>;
  return (
    <Panel title={t('backchannel.title', { side: other.name })} description={t('backchannel.lede')}>
      {others.length > 1 ? (
        <nav className="thread-tabs" aria-label={t('backchannel.tabs')}>
          {others.map((s) => (
            <NavLink key={s.id} to={`/groups/${group.id}/backchannel/${s.id}`} className="subnav__link">
              {s.shortCode}
            </NavLink>
          ))}
        </nav>
      ) : null}
      {stepUp.prompt ?? (
        <ThreadView
          title={t('groups.backChannel')}
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
  const t = useT();
  const { group, roster } = useGroupContext();
  const user = useUser();
  const mine = group.myMembership;
  const side = group.sides.find((s) => s.id === mine?.sideId);
  const context = mine ? mlsContext({ kind: 'caucus', groupId: group.id, sideId: mine.sideId }) : null;
  const allowed = useMemo(() => (mine ? sideMembers(roster, mine.sideId) : []), [roster, mine]);
  const { state, thread } = useThread(context, user.id, allowed);
  if (!mine || !side) return <EmptyState title={t('groups.caucus')}>{t('backchannel.caucusDelegatesOnly')}</EmptyState>;
  return (
    <Panel title={t('backchannel.caucusTitle', { side: side.name })} description={t('backchannel.caucusLede')}>
      <ThreadView
        title={t('groups.caucus')}
        group={group}
        roster={roster}
        state={state}
        thread={thread}
        mayReestablish={mine.role === 'chair'}
      />
    </Panel>
  );
}
