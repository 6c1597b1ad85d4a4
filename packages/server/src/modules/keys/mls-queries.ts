import type { MlsCipherSuite, MlsGroup } from '@parley/protocol';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import type { ActorFacts } from '../../policy/policy.js';
import { memberships } from '../groups/schema.js';
import { type MlsScope, mayTakePart, resolveContext } from './contexts.js';
import { mlsGroupInfos, mlsGroups, mlsMembers } from './schema.js';

export type MlsGroupRow = typeof mlsGroups.$inferSelect;
export type MlsMemberRow = typeof mlsMembers.$inferSelect;

export async function findMlsGroup(db: DbOrTx, id: string, lock = false): Promise<MlsGroupRow | undefined> {
  const q = db.select().from(mlsGroups).where(eq(mlsGroups.id, id));
  const [g] = lock ? await q.for('update') : await q;
  return g;
}

export async function findMlsGroupByContext(db: DbOrTx, context: string): Promise<MlsGroupRow | undefined> {
  const [g] = await db.select().from(mlsGroups).where(eq(mlsGroups.context, context));
  return g;
}

/** Current (non-removed) members in leaf order. */
export async function currentMembers(db: DbOrTx, mlsGroupId: string): Promise<MlsMemberRow[]> {
  return db
    .select()
    .from(mlsMembers)
    .where(and(eq(mlsMembers.mlsGroupId, mlsGroupId), ne(mlsMembers.status, 'removed')))
    .orderBy(asc(mlsMembers.leafIndex));
}

export async function findMember(db: DbOrTx, mlsGroupId: string, deviceId: string): Promise<MlsMemberRow | undefined> {
  const [m] = await db
    .select()
    .from(mlsMembers)
    .where(and(eq(mlsMembers.mlsGroupId, mlsGroupId), eq(mlsMembers.deviceId, deviceId)));
  return m;
}

/** The acting device, which must be the caller's and in the group with one of these statuses. */
export async function memberDevice(
  db: DbOrTx,
  mlsGroupId: string,
  userId: string,
  deviceId: string,
  statuses: readonly MlsMemberRow['status'][] = ['active'],
): Promise<MlsMemberRow> {
  const m = await findMember(db, mlsGroupId, deviceId);
  if (!m || m.userId !== userId || !statuses.includes(m.status)) throw notFound('Member device');
  return m;
}

/**
 * Policy facts of many users in one query, for fan-out and for checking declared members. Admin rights are
 * left out on purpose: they never grant a place in an MLS group.
 */
export async function factsOfUsers(db: DbOrTx, userIds: readonly string[]): Promise<Map<string, ActorFacts>> {
  const unique = [...new Set(userIds)];
  const facts = new Map<string, ActorFacts>(
    unique.map((u) => [u, { userId: u, isAdmin: false, memberships: [] as ActorFacts['memberships'] }]),
  );
  if (unique.length === 0) return facts;
  const rows = await db
    .select({
      userId: memberships.userId,
      groupId: memberships.groupId,
      sideId: memberships.sideId,
      role: memberships.role,
    })
    .from(memberships)
    .where(inArray(memberships.userId, unique));
  for (const r of rows) (facts.get(r.userId)!.memberships as unknown[]).push(r);
  return facts;
}

/** Users that should receive the group's traffic now: an active member device and still allowed by the policy. */
export async function audienceOf(db: DbOrTx, scope: MlsScope, members: readonly MlsMemberRow[]): Promise<string[]> {
  const active = members.filter((m) => m.status === 'active');
  const facts = await factsOfUsers(
    db,
    active.map((m) => m.userId),
  );
  return [...facts.values()].filter((f) => mayTakePart(f, scope)).map((f) => f.userId!);
}

export async function scopeOfGroup(db: DbOrTx, g: MlsGroupRow): Promise<MlsScope> {
  const scope = await resolveContext(db, g.context);
  // The context's group or meeting is gone: nobody takes part any more.
  if (!scope) throw notFound('MLS group');
  return scope;
}

export function mlsGroupDto(
  g: MlsGroupRow,
  members: readonly MlsMemberRow[],
  groupInfoEpoch: number | null = null,
): MlsGroup {
  return {
    id: g.id,
    context: g.context,
    cipherSuite: g.cipherSuite as MlsCipherSuite,
    epoch: g.epoch,
    lastSeq: g.lastSeq,
    members: members
      .filter((m) => m.status !== 'removed' && m.leafIndex !== null)
      .map((m) => ({
        deviceId: m.deviceId,
        userId: m.userId,
        leafIndex: m.leafIndex!,
        status: m.status as 'active' | 'leaving',
      })),
    nominee:
      g.nomineeDeviceId && g.nominatedEpoch !== null ? { deviceId: g.nomineeDeviceId, epoch: g.nominatedEpoch } : null,
    groupInfoEpoch,
    reestablished:
      g.reestablishedFrom && g.reestablishedBy && g.reestablishedAt
        ? { byUserId: g.reestablishedBy, at: g.reestablishedAt.toISOString(), previousMlsGroupId: g.reestablishedFrom }
        : null,
    createdAt: g.createdAt.toISOString(),
  };
}

/** Allocates the next message sequence number; the row lock this takes orders concurrent writers. */
export async function nextSeq(db: DbOrTx, mlsGroupId: string): Promise<number> {
  const [r] = await db
    .update(mlsGroups)
    .set({ lastSeq: sql`${mlsGroups.lastSeq} + 1` })
    .where(eq(mlsGroups.id, mlsGroupId))
    .returning({ seq: mlsGroups.lastSeq });
  return r!.seq;
}

/** Epoch of the GroupInfo published for the group (external joins), or null when none was. */
export async function groupInfoEpoch(db: DbOrTx, mlsGroupId: string): Promise<number | null> {
  const [row] = await db
    .select({ epoch: mlsGroupInfos.epoch })
    .from(mlsGroupInfos)
    .where(eq(mlsGroupInfos.mlsGroupId, mlsGroupId));
  return row?.epoch ?? null;
}

/** The group as the API shows it to a participant. */
export async function viewMlsGroup(db: DbOrTx, id: string): Promise<MlsGroup> {
  const g = await findMlsGroup(db, id);
  if (!g) throw notFound('MLS group');
  return mlsGroupDto(g, await currentMembers(db, id), await groupInfoEpoch(db, id));
}
