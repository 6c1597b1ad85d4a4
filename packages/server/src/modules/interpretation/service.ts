import { domainEvent, type InterpretationEvent, type InterpreterRecord } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, notFound, withCode } from '../../http/errors.js';
import { runWrite, type WriteContext, type WriteScope } from '../../services/write.js';
import type { CallPerson } from '../calls/index.js';
import { type MeetingFacts, recordInterpreterChange } from '../meetings/index.js';
import { interpretations, interpreters } from './schema.js';

type Person = Pick<CallPerson, 'userId' | 'displayName' | 'sideId'>;
type Ctx = WriteContext & Pick<AppContext, 'config'>;

/** The meeting's history keeps every assignment and its end, in the same write as the change itself. */
function toHistory(
  w: WriteScope,
  ctx: Ctx,
  facts: MeetingFacts,
  row: Pick<typeof interpreters.$inferSelect, 'userId' | 'displayName' | 'sideId' | 'fromLanguage' | 'toLanguage'>,
  kind: InterpreterRecord['kind'],
) {
  return recordInterpreterChange(w.nested(ctx), w.actorUserId, facts.group, facts.id, {
    kind,
    userId: row.userId,
    name: row.displayName,
    sideId: row.sideId,
    from: row.fromLanguage,
    to: row.toLanguage,
  });
}

/** Every change locks the meeting's row first, so two chairs assigning one language at once give one answer. */
async function lock(w: WriteScope, meetingId: string): Promise<number> {
  await w.tx.insert(interpretations).values({ meetingId }).onConflictDoNothing();
  const [row] = await w.tx.select().from(interpretations).where(eq(interpretations.meetingId, meetingId)).for('update');
  return row!.version;
}

/**
 * Bumps the version, audits the change (with the meeting's marking, so a side-only meeting's entry stays with its
 * side) and announces it on the meeting's topic to those who may see the meeting (ids only, never names).
 */
async function changed(
  w: WriteScope,
  facts: MeetingFacts,
  version: number,
  kind: InterpretationEvent['kind'],
  userId: string,
  after: Record<string, unknown>,
): Promise<void> {
  const next = version + 1;
  await w.tx
    .update(interpretations)
    .set({ version: next, updatedAt: new Date() })
    .where(eq(interpretations.meetingId, facts.id));
  await w.audit({
    action: kind,
    resourceType: 'interpretation',
    resourceId: facts.id,
    groupId: facts.groupId,
    sideId: facts.item.sideId,
    marking: facts.item.marking,
    after: { ...after, userId, version: next },
  });
  const event = domainEvent(kind, {
    groupId: facts.groupId,
    resourceType: 'interpretation',
    resourceId: facts.id,
    data: { version: next, userId },
  });
  w.emit({ topic: `meeting:${facts.id}`, event, audience: { item: facts.item } });
}

/**
 * Assigns (or re-assigns) a person to a language pair. A language has one channel: a second interpreter into it
 * is refused, naming the field, rather than silently replacing the first.
 */
export function assign(ctx: Ctx, facts: MeetingFacts, who: Person, pair: { from: string; to: string }, actor: string) {
  return runWrite(ctx, actor, async (w) => {
    const version = await lock(w, facts.id);
    const [taken] = await w.tx
      .select()
      .from(interpreters)
      .where(and(eq(interpreters.meetingId, facts.id), eq(interpreters.toLanguage, pair.to)));
    if (taken && taken.userId !== who.userId)
      throw fieldError(409, 'body.to', `already has an interpreter (${taken.displayName})`, 'interpreter_taken', {
        name: taken.displayName,
      });
    await w.tx
      .delete(interpreters)
      .where(and(eq(interpreters.meetingId, facts.id), eq(interpreters.userId, who.userId)));
    const [row] = await w.tx
      .insert(interpreters)
      .values({
        meetingId: facts.id,
        userId: who.userId,
        displayName: who.displayName,
        sideId: who.sideId,
        fromLanguage: pair.from,
        toLanguage: pair.to,
        assignedBy: actor,
      })
      .returning();
    await toHistory(w, ctx, facts, row!, 'interpreter_assigned');
    await changed(w, facts, version, 'interpretation.assigned', who.userId, { from: pair.from, to: pair.to });
  });
}

/** Ends a person's assignment; their channel leaves every listener's picker. */
export function unassign(ctx: Ctx, facts: MeetingFacts, userId: string, actor: string) {
  return runWrite(ctx, actor, async (w) => {
    const version = await lock(w, facts.id);
    const gone = await w.tx
      .delete(interpreters)
      .where(and(eq(interpreters.meetingId, facts.id), eq(interpreters.userId, userId)))
      .returning();
    if (gone.length === 0) throw notFound('Interpreter');
    await toHistory(w, ctx, facts, gone[0]!, 'interpreter_unassigned');
    await changed(w, facts, version, 'interpretation.removed', userId, { to: gone[0]!.toLanguage });
  });
}

export const refuseClosed = (facts: MeetingFacts): void => {
  if (facts.status !== 'planned' || facts.endedAt)
    throw withCode(conflict('The meeting is over: its interpreters are fixed'), 'interpreters_fixed');
};
