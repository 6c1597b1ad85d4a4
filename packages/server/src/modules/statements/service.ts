import { domainEvent, type StatementEvent } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, notFound, withCode } from '../../http/errors.js';
import { applyLanguages, type LanguageChange } from '../../lib/languages.js';
import type { ActorFacts, GroupFacts } from '../../policy/policy.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { checkMeetingRefs } from '../outcomes/meeting-refs.js';
import { approvalPlan, findStatement, type StatementRow, statementItem, textHashOf } from './queries.js';
import { jointStatements, statementApprovals } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;

function announce(w: WriteScope, group: GroupFacts, row: StatementRow, kind: StatementEvent['kind']) {
  const event = domainEvent(kind, { groupId: group.id, resourceType: 'statement', resourceId: row.id });
  const audience = { item: statementItem(group) };
  w.emit({ topic: `group:${group.id}`, event, audience });
  if (row.meetingId) w.emit({ topic: `meeting:${row.meetingId}`, event, audience });
}

const stale = (row: StatementRow, path: string) =>
  conflict(
    'The text changed since you read it',
    { textHash: row.textHash, revision: row.revision, status: row.status },
    [{ path, message: `the current text hash is ${row.textHash}`, code: 'text_changed' }],
  );

const final = (row: StatementRow) =>
  withCode(
    conflict('A published statement is final', { textHash: row.textHash, revision: row.revision, status: row.status }),
    'statement_final',
  );

export async function createStatement(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  input: { text: string; meetingId: string | null } & LanguageChange,
) {
  const languages = applyLanguages({ language: 'en', secondLanguage: null, secondText: null }, input);
  return runWrite(ctx, actor.userId, async (w) => {
    await checkMeetingRefs(w.tx, actor, group, { marking: 'shared', meetingId: input.meetingId, agendaItemId: null });
    const [row] = await w.tx
      .insert(jointStatements)
      .values({
        groupId: group.id,
        meetingId: input.meetingId,
        text: input.text,
        ...languages,
        textHash: textHashOf({ text: input.text, ...languages }),
        createdBy: actor.userId,
      })
      .returning();
    await w.audit({
      action: 'statement.create',
      resourceType: 'statement',
      resourceId: row!.id,
      groupId: group.id,
      sideId: null,
      marking: 'shared',
      after: row,
    });
    announce(w, group, row!, 'statement.created');
    return row!;
  });
}

/**
 * The row lock makes edits and approvals of one statement take turns, so the database decides every race:
 * an approval either lands before the edit (and the edit voids it) or after (and names a stale hash: 409).
 */
export async function editStatement(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  id: string,
  input: { text: string; baseHash: string } & LanguageChange,
) {
  return runWrite(ctx, actor.userId, async (w) => {
    const before = await findStatement(w.tx, id, true);
    if (!before) throw notFound('Statement');
    if (before.status === 'published') throw final(before);
    if (input.baseHash !== before.textHash) throw stale(before, 'body.baseHash');
    const languages = applyLanguages(before, input);
    const voided = await w.tx.delete(statementApprovals).where(eq(statementApprovals.statementId, id)).returning();
    const [row] = await w.tx
      .update(jointStatements)
      .set({
        text: input.text,
        ...languages,
        textHash: textHashOf({ text: input.text, ...languages }),
        revision: before.revision + 1,
        updatedAt: new Date(),
      })
      .where(eq(jointStatements.id, id))
      .returning();
    await w.audit({
      action: 'statement.edit',
      resourceType: 'statement',
      resourceId: id,
      groupId: group.id,
      sideId: null,
      marking: 'shared',
      before: { ...before, voidedApprovals: voided },
      after: row,
    });
    announce(w, group, row!, 'statement.edited');
    return row!;
  });
}

/** Records one side's approval of the exact text; the last side's approval publishes the statement. */
export async function approveStatement(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  id: string,
  sideId: string,
  textHash: string,
) {
  return runWrite(ctx, actor.userId, async (w) => {
    const before = await findStatement(w.tx, id, true);
    if (!before) throw notFound('Statement');
    if (before.status === 'published') throw final(before);
    if (textHash !== before.textHash) throw stale(before, 'body.textHash');
    await w.tx
      .insert(statementApprovals)
      .values({ statementId: id, sideId, userId: actor.userId!, textHash, approvedAt: new Date() })
      .onConflictDoUpdate({
        target: [statementApprovals.statementId, statementApprovals.sideId],
        set: { userId: actor.userId!, textHash, approvedAt: new Date() },
      });
    await w.audit({
      action: 'statement.approve',
      resourceType: 'statement',
      resourceId: id,
      groupId: group.id,
      sideId,
      marking: 'shared',
      after: { statementId: id, sideId, textHash },
    });
    const approved = await w.tx
      .select({ sideId: statementApprovals.sideId })
      .from(statementApprovals)
      .where(and(eq(statementApprovals.statementId, id), eq(statementApprovals.textHash, before.textHash)));
    const { sides } = await approvalPlan(w.tx, group);
    const complete = sides.length > 0 && sides.every((s) => approved.some((a) => a.sideId === s.id));
    if (!complete) {
      announce(w, group, before, 'statement.approved');
      return before;
    }
    const [row] = await w.tx
      .update(jointStatements)
      .set({ status: 'published', publishedAt: new Date(), updatedAt: new Date() })
      .where(eq(jointStatements.id, id))
      .returning();
    await w.audit({
      action: 'statement.publish',
      resourceType: 'statement',
      resourceId: id,
      groupId: group.id,
      sideId: null,
      marking: 'shared',
      after: row,
    });
    announce(w, group, row!, 'statement.published');
    return row!;
  });
}
