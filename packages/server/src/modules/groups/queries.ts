import type { Group, Side } from '@parley/protocol';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import type { GroupFacts, MembershipFact } from '../../policy/policy.js';
import { agencies, groups, memberships, sides } from './schema.js';

export type GroupRow = typeof groups.$inferSelect;
export type SideRow = typeof sides.$inferSelect;
export type AgencyRow = typeof agencies.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;

export async function membershipFactsOf(db: DbOrTx, userId: string): Promise<MembershipFact[]> {
  return db
    .select({ groupId: memberships.groupId, sideId: memberships.sideId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
}

/** Which of these groups ask chairs for a step-up. */
export async function chairStepUpGroupsOf(db: DbOrTx, groupIds: readonly string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .select({ id: groups.id })
    .from(groups)
    .where(and(inArray(groups.id, [...groupIds]), eq(groups.chairStepUp, true)));
  return rows.map((r) => r.id);
}

/**
 * The track sides a user oversees: each side of a track that stands for a parent-group side the user chairs.
 * Overseeing chairs see their own side's people and items in the track, as they do in the parent group.
 */
export async function overseenSidesOf(
  db: DbOrTx,
  chairOf: readonly MembershipFact[],
): Promise<{ groupId: string; sideId: string }[]> {
  const sideIds = chairOf.filter((m) => m.role === 'chair').map((m) => m.sideId);
  if (sideIds.length === 0) return [];
  return db
    .select({ groupId: sides.groupId, sideId: sides.id })
    .from(sides)
    .where(inArray(sides.parentSideId, sideIds));
}

export async function findGroup(db: DbOrTx, id: string): Promise<GroupRow | undefined> {
  const [g] = await db.select().from(groups).where(eq(groups.id, id));
  return g;
}

/** The policy's view of a group; 404 when it does not exist (callers without access get the same 404). */
export async function groupFacts(db: DbOrTx, id: string): Promise<GroupFacts> {
  const g = await findGroup(db, id);
  if (!g) throw notFound('Group');
  return { id: g.id, kind: g.kind, parentGroupId: g.parentGroupId };
}

export async function sidesOf(db: DbOrTx, groupIds: readonly string[]): Promise<SideRow[]> {
  if (groupIds.length === 0) return [];
  return db
    .select()
    .from(sides)
    .where(inArray(sides.groupId, [...groupIds]))
    .orderBy(asc(sides.position));
}

export async function findSide(db: DbOrTx, groupId: string, sideId: string): Promise<SideRow> {
  const [s] = await db
    .select()
    .from(sides)
    .where(and(eq(sides.id, sideId), eq(sides.groupId, groupId)));
  if (!s) throw notFound('Side');
  return s;
}

export async function findAgency(db: DbOrTx, groupId: string, sideId: string, agencyId: string): Promise<AgencyRow> {
  const [a] = await db
    .select()
    .from(agencies)
    .where(and(eq(agencies.id, agencyId), eq(agencies.groupId, groupId), eq(agencies.sideId, sideId)));
  if (!a) throw notFound('Agency');
  return a;
}

export async function findMembership(db: DbOrTx, groupId: string, membershipId: string): Promise<MembershipRow> {
  const [m] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.id, membershipId), eq(memberships.groupId, groupId)));
  if (!m) throw notFound('Membership');
  return m;
}

export const sideDto = (s: SideRow): Side => ({
  id: s.id,
  groupId: s.groupId,
  name: s.name,
  shortCode: s.shortCode,
  colour: s.colour,
  position: s.position,
});

export function groupDto(
  g: GroupRow,
  groupSides: SideRow[],
  mine: MembershipFact | undefined,
  overseeing: boolean,
): Group {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    kind: g.kind,
    parentGroupId: g.parentGroupId,
    createdAt: g.createdAt.toISOString(),
    sides: groupSides.filter((s) => s.groupId === g.id).map(sideDto),
    myMembership: mine ? { sideId: mine.sideId, role: mine.role } : null,
    overseeing,
    chairStepUp: g.chairStepUp,
  };
}

export async function allGroups(db: DbOrTx): Promise<GroupRow[]> {
  return db.select().from(groups).orderBy(asc(groups.createdAt));
}

export async function membersOfGroup(db: DbOrTx, groupId: string): Promise<MembershipRow[]> {
  return db.select().from(memberships).where(eq(memberships.groupId, groupId));
}

export async function agenciesOfGroup(db: DbOrTx, groupId: string): Promise<AgencyRow[]> {
  return db.select().from(agencies).where(eq(agencies.groupId, groupId)).orderBy(asc(agencies.name));
}
