import { type JointStatement, statementDigestInput } from '@parley/protocol';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { sha256Hex } from '../../lib/crypto.js';
import { type ActorFacts, decide, type GroupFacts, type ItemFacts, membershipIn } from '../../policy/policy.js';
import { userNames } from '../auth/queries.js';
import { membersOfGroup, type SideRow, sidesOf } from '../groups/queries.js';
import { jointStatements, statementApprovals } from './schema.js';

export type StatementRow = typeof jointStatements.$inferSelect;
export type ApprovalRow = typeof statementApprovals.$inferSelect;

/**
 * The digest an approval binds: SHA-256 over the UTF-8 bytes of the exact stored text, or of both texts and
 * their languages for a statement in two languages (see statementDigestInput).
 */
export const textHashOf = (s: Parameters<typeof statementDigestInput>[0]): string =>
  sha256Hex(Buffer.from(statementDigestInput(s), 'utf8'));

/** Joint statements belong to the group as a whole and are shared with every side. */
export const statementItem = (group: GroupFacts): ItemFacts => ({ group, sideId: null, marking: 'shared' });

export async function findStatement(db: DbOrTx, id: string, lock = false): Promise<StatementRow | undefined> {
  const q = db.select().from(jointStatements).where(eq(jointStatements.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function listStatements(db: DbOrTx, groupId: string, meetingId?: string): Promise<StatementRow[]> {
  return db
    .select()
    .from(jointStatements)
    .where(and(eq(jointStatements.groupId, groupId), meetingId ? eq(jointStatements.meetingId, meetingId) : undefined))
    .orderBy(asc(jointStatements.createdAt));
}

export async function approvalsOf(db: DbOrTx, ids: readonly string[]): Promise<ApprovalRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(statementApprovals)
    .where(inArray(statementApprovals.statementId, [...ids]))
    .orderBy(asc(statementApprovals.approvedAt));
}

/**
 * The sides whose chairs must approve, and for each the chairs entitled to: a group's own chairs, or — for a
 * track — the chairs of the parent group on the same side (sides of a track copy the parent's short codes).
 * Experts draft a track's statement; the principals who oversee the track put their names to it.
 */
export async function approvalPlan(db: DbOrTx, group: GroupFacts) {
  const sides = await sidesOf(db, [group.id]);
  if (group.kind === 'group' || !group.parentGroupId)
    return { sides, approverGroup: group.id, mapSide: (s: SideRow) => s.id };
  const parentSides = await sidesOf(db, [group.parentGroupId]);
  return {
    sides,
    approverGroup: group.parentGroupId,
    mapSide: (s: SideRow) => parentSides.find((p) => p.shortCode === s.shortCode)?.id ?? null,
  };
}

/** The side of this statement's group the actor approves for, or null if they are no approver. */
export async function approvingSideOf(db: DbOrTx, actor: ActorFacts, group: GroupFacts): Promise<string | null> {
  const plan = await approvalPlan(db, group);
  const approverGroup: GroupFacts =
    plan.approverGroup === group.id ? group : { id: plan.approverGroup, kind: 'group', parentGroupId: null };
  if (!decide(actor, 'group.chair', { type: 'group', group: approverGroup })) return null;
  const m = membershipIn(actor, plan.approverGroup)!;
  return plan.sides.find((s) => plan.mapSide(s) === m.sideId)?.id ?? null;
}

export async function statementDtos(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  rows: readonly StatementRow[],
): Promise<JointStatement[]> {
  const plan = await approvalPlan(db, group);
  const approvals = await approvalsOf(
    db,
    rows.map((r) => r.id),
  );
  const approverMembers = await membersOfGroup(db, plan.approverGroup);
  const names = await userNames(
    db,
    approvals.map((a) => a.userId),
  );
  const ownParentSide = membershipIn(actor, plan.approverGroup)?.sideId;
  return rows.map((r) => ({
    id: r.id,
    groupId: r.groupId,
    meetingId: r.meetingId,
    status: r.status,
    text: r.text,
    language: r.language,
    secondLanguage: r.secondLanguage,
    secondText: r.secondText,
    textHash: r.textHash,
    revision: r.revision,
    approvals: approvals
      .filter((a) => a.statementId === r.id && a.textHash === r.textHash)
      .map((a) => {
        const m = approverMembers.find((x) => x.userId === a.userId);
        // A chair kept side-only by their own side is named to that side only.
        const named = m !== undefined && (m.marking === 'shared' || m.sideId === ownParentSide);
        return {
          sideId: a.sideId,
          userId: named ? a.userId : null,
          name: named ? (names.get(a.userId)?.displayName ?? 'Unknown') : 'A chair of this side',
          textHash: a.textHash,
          approvedAt: a.approvedAt.toISOString(),
        };
      }),
    requiredSideIds: plan.sides.map((s) => s.id),
    approvedBy: group.kind === 'track' ? 'parent-group-chairs' : 'group-chairs',
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    publishedAt: r.publishedAt?.toISOString() ?? null,
  }));
}

/** Published statements for the public pages, newest first. */
export async function publishedStatements(db: DbOrTx, id?: string): Promise<StatementRow[]> {
  return db
    .select()
    .from(jointStatements)
    .where(and(eq(jointStatements.status, 'published'), id ? eq(jointStatements.id, id) : undefined))
    .orderBy(desc(jointStatements.publishedAt));
}
