import type { Membership, Role, Roster } from '@parley/protocol';
import type { DbOrTx } from '../../db/client.js';
import { type ActorFacts, canSeeItem, type GroupFacts } from '../../policy/policy.js';
import { userNames } from '../auth/queries.js';
import {
  type AgencyRow,
  agenciesOfGroup,
  type MembershipRow,
  membersOfGroup,
  type SideRow,
  sideDto,
  sidesOf,
} from './queries.js';

const ROLE_ORDER: Role[] = ['chair', 'secretariat', 'member', 'observer'];

/** Side → agency → role, with side-only agencies and delegates shown to their own side only. */
export async function buildRoster(db: DbOrTx, actor: ActorFacts, group: GroupFacts): Promise<Roster> {
  const [groupSides, allAgencies, allMembers] = await Promise.all([
    sidesOf(db, [group.id]),
    agenciesOfGroup(db, group.id),
    membersOfGroup(db, group.id),
  ]);
  const visibleAgencies = allAgencies.filter((a) => canSeeItem(actor, { group, sideId: a.sideId, marking: a.marking }));
  const agencyIds = new Set(visibleAgencies.map((a) => a.id));
  // A delegate of a hidden agency is hidden too; otherwise the agency would show through its people.
  const visibleMembers = allMembers.filter(
    (m) =>
      canSeeItem(actor, { group, sideId: m.sideId, marking: m.marking }) &&
      (m.agencyId === null || agencyIds.has(m.agencyId)),
  );
  const names = await userNames(
    db,
    visibleMembers.map((m) => m.userId),
  );
  const ownSide = actor.memberships.find((m) => m.groupId === group.id)?.sideId;
  const toDto = (m: MembershipRow): Membership => {
    const n = names.get(m.userId);
    return {
      id: m.id,
      groupId: m.groupId,
      sideId: m.sideId,
      userId: m.userId,
      displayName: n?.displayName ?? 'Unknown',
      // Contact addresses stay within a side (and with the operator who created the accounts).
      ...(n && (ownSide === m.sideId || actor.isAdmin) ? { email: n.email } : {}),
      role: m.role,
      agencyId: m.agencyId,
      title: m.title,
      marking: m.marking,
    };
  };
  return {
    groupId: group.id,
    sides: groupSides.map((side: SideRow) => {
      const sideMembers = visibleMembers.filter((m) => m.sideId === side.id);
      const buckets: (AgencyRow | null)[] = [...visibleAgencies.filter((a) => a.sideId === side.id), null];
      return {
        side: sideDto(side),
        agencies: buckets
          .map((agency) => {
            const inAgency = sideMembers.filter((m) => m.agencyId === (agency?.id ?? null));
            return {
              agency: agency
                ? {
                    id: agency.id,
                    groupId: agency.groupId,
                    sideId: agency.sideId,
                    name: agency.name,
                    marking: agency.marking,
                  }
                : null,
              roles: ROLE_ORDER.map((role) => ({
                role,
                members: inAgency
                  .filter((m) => m.role === role)
                  .map(toDto)
                  .sort((a, b) => a.displayName.localeCompare(b.displayName)),
              })).filter((r) => r.members.length > 0),
            };
          })
          // Empty agencies stay visible (so a side can see what it has set up); the "no agency" bucket only if used.
          .filter((b) => b.agency !== null || b.roles.length > 0),
      };
    }),
  };
}

/** Users whose presence in the group the actor may know about (the roster as they see it). */
export async function visibleUserIds(db: DbOrTx, actor: ActorFacts, group: GroupFacts): Promise<Set<string>> {
  const roster = await buildRoster(db, actor, group);
  return new Set(
    roster.sides.flatMap((s) => s.agencies.flatMap((a) => a.roles.flatMap((r) => r.members.map((m) => m.userId)))),
  );
}
