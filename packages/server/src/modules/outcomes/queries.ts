import type { Outcome } from '@parley/protocol';
import { and, asc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { type ActorFacts, canSeeItem, type GroupFacts, type ItemFacts } from '../../policy/policy.js';
import { userNames } from '../auth/queries.js';
import { outcomes } from './schema.js';

export type OutcomeRow = typeof outcomes.$inferSelect;

export const outcomeItem = (group: GroupFacts, row: Pick<OutcomeRow, 'sideId' | 'marking'>): ItemFacts => ({
  group,
  sideId: row.sideId,
  marking: row.marking,
});

export async function findOutcome(db: DbOrTx, id: string): Promise<OutcomeRow | undefined> {
  const [row] = await db.select().from(outcomes).where(eq(outcomes.id, id));
  return row;
}

/** The same row under a row lock, for read-check-write sequences inside a transaction. */
export async function lockOutcome(db: DbOrTx, id: string): Promise<OutcomeRow | undefined> {
  const [row] = await db.select().from(outcomes).where(eq(outcomes.id, id)).for('update');
  return row;
}

/**
 * The SQL form of the visibility rule, so hidden entries never leave the database (not even as counts):
 * shared entries, plus side-only entries of the caller's own side.
 */
export function visibleTo(actor: ActorFacts, groupId: string): SQL {
  const own = actor.memberships.find((m) => m.groupId === groupId)?.sideId;
  const shared = eq(outcomes.marking, 'shared');
  return own ? (or(shared, and(eq(outcomes.marking, 'side-only'), eq(outcomes.sideId, own))) as SQL) : shared;
}

export interface OutcomeFilters {
  meetingId?: string | undefined;
  agendaItemId?: string | undefined;
  kind?: OutcomeRow['kind'] | undefined;
  sideId?: string | undefined;
  status?: OutcomeRow['status'] | undefined;
  marking?: OutcomeRow['marking'] | undefined;
}

export async function listOutcomes(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  f: OutcomeFilters = {},
): Promise<OutcomeRow[]> {
  const conds: SQL[] = [eq(outcomes.groupId, group.id), visibleTo(actor, group.id)];
  if (f.meetingId) conds.push(eq(outcomes.meetingId, f.meetingId));
  if (f.agendaItemId) conds.push(eq(outcomes.agendaItemId, f.agendaItemId));
  if (f.kind) conds.push(eq(outcomes.kind, f.kind));
  if (f.status) conds.push(eq(outcomes.status, f.status));
  if (f.marking) conds.push(eq(outcomes.marking, f.marking));
  if (f.sideId) conds.push(or(eq(outcomes.raisedBySideId, f.sideId), eq(outcomes.addressedToSideId, f.sideId)) as SQL);
  return db
    .select()
    .from(outcomes)
    .where(and(...conds))
    .orderBy(asc(outcomes.createdAt), asc(outcomes.id));
}

/** Ids of responses to the given outcomes that the actor may see. */
async function visibleResponses(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: outcomes.id, respondsToId: outcomes.respondsToId })
    .from(outcomes)
    .where(and(inArray(outcomes.respondsToId, [...ids]), visibleTo(actor, group.id)))
    .orderBy(asc(outcomes.createdAt));
  for (const r of rows) out.set(r.respondsToId!, [...(out.get(r.respondsToId!) ?? []), r.id]);
  return out;
}

/** Every response, visible or not: for integrity checks only, never for answers. */
export async function allResponses(db: DbOrTx, id: string): Promise<Pick<OutcomeRow, 'id' | 'marking' | 'sideId'>[]> {
  return db
    .select({ id: outcomes.id, marking: outcomes.marking, sideId: outcomes.sideId })
    .from(outcomes)
    .where(eq(outcomes.respondsToId, id));
}

export async function outcomeDtos(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  rows: readonly OutcomeRow[],
): Promise<Outcome[]> {
  const visible = rows.filter((r) => canSeeItem(actor, outcomeItem(group, r)));
  const [responses, names] = await Promise.all([
    visibleResponses(
      db,
      actor,
      group,
      visible.map((r) => r.id),
    ),
    userNames(
      db,
      visible.map((r) => r.ownerUserId).filter((x): x is string => x !== null),
    ),
  ]);
  return visible.map((r) => ({
    id: r.id,
    groupId: r.groupId,
    kind: r.kind,
    text: r.text,
    raisedBySideId: r.raisedBySideId,
    addressedToSideId: r.addressedToSideId,
    respondsToId: r.respondsToId,
    responseIds: responses.get(r.id) ?? [],
    ownerUserId: r.ownerUserId,
    ownerName: r.ownerUserId ? (names.get(r.ownerUserId)?.displayName ?? null) : null,
    due: r.due,
    status: r.status,
    marking: r.marking,
    sideId: r.sideId,
    meetingId: r.meetingId,
    agendaItemId: r.agendaItemId,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/** Open actions and concerns with no visible commitment answering them, counted over visible entries only. */
export async function outcomeSummary(db: DbOrTx, actor: ActorFacts, group: GroupFacts) {
  const rows = await listOutcomes(db, actor, group);
  const answered = new Set(
    rows.filter((r) => r.kind === 'commitment' && r.respondsToId).map((r) => r.respondsToId as string),
  );
  const openActions = rows
    .filter((r) => r.kind === 'action' && (r.status === 'open' || r.status === 'in_progress'))
    .sort((a, b) => (a.due ?? '9999-12-31').localeCompare(b.due ?? '9999-12-31'));
  const unansweredConcerns = rows.filter((r) => r.kind === 'concern' && r.status !== 'dropped' && !answered.has(r.id));
  const byKind = { agreement: 0, concern: 0, commitment: 0, action: 0, disagreement: 0 };
  const byStatus = { open: 0, in_progress: 0, done: 0, dropped: 0 };
  for (const r of rows) {
    byKind[r.kind]++;
    byStatus[r.status]++;
  }
  return {
    groupId: group.id,
    openActions: await outcomeDtos(db, actor, group, openActions),
    unansweredConcerns: await outcomeDtos(db, actor, group, unansweredConcerns),
    counts: { byKind, byStatus },
  };
}
