import { domainEvent, type Marking, type OutcomeEvent } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { conflict, fieldError, notFound, withCode } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, type GroupFacts, membershipIn } from '../../policy/policy.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { findSide, membersOfGroup } from '../groups/queries.js';
import { tracksFromOutcomes } from '../tracks/queries.js';
import { checkMeetingRefs } from './meeting-refs.js';
import { allResponses, findOutcome, lockOutcome, type OutcomeRow, outcomeItem } from './queries.js';
import { outcomes } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;
type State = Omit<OutcomeRow, 'id' | 'groupId' | 'sideId' | 'createdBy' | 'createdAt' | 'updatedAt'>;

const stricter = (a: Marking, b: Marking): Marking => (a === 'side-only' || b === 'side-only' ? 'side-only' : 'shared');
const wider = (a: Marking, b: Marking): Marking => (a === 'shared' || b === 'shared' ? 'shared' : 'side-only');

/**
 * Events carry ids only, never text, so they may go to everyone who could see the entry before or after the
 * change (the wider marking); audit entries keep the stricter one, since they hold digests of the content.
 */
function announce(
  w: WriteScope,
  group: GroupFacts,
  row: OutcomeRow,
  kind: OutcomeEvent['kind'],
  marking: Marking = row.marking,
) {
  const event = domainEvent(kind, { groupId: group.id, resourceType: 'outcome', resourceId: row.id });
  const audience = { item: { group, sideId: row.sideId, marking } };
  w.emit({ topic: `group:${group.id}`, event, audience });
  if (row.meetingId) w.emit({ topic: `meeting:${row.meetingId}`, event, audience });
}

/** Every reference of an entry must exist in this group, be visible to the writer, and not widen a secret. */
async function checkRefs(db: DbOrTx, actor: ActorFacts, group: GroupFacts, id: string | null, s: State) {
  for (const key of ['raisedBySideId', 'addressedToSideId'] as const) {
    const sideId = s[key];
    if (sideId)
      await findSide(db, group.id, sideId).catch(() => {
        throw fieldError(400, `body.${key}`, 'no such side in this group', 'no_such_side');
      });
  }
  if (s.respondsToId) {
    if (s.respondsToId === id)
      throw fieldError(400, 'body.respondsToId', 'an entry cannot answer itself', 'answers_itself');
    const target = await findOutcome(db, s.respondsToId);
    if (!target || target.groupId !== group.id || !canSeeItem(actor, outcomeItem(group, target)))
      throw fieldError(400, 'body.respondsToId', 'no such outcome in this group', 'no_such_outcome');
    if (s.marking === 'shared' && target.marking !== 'shared')
      throw fieldError(
        400,
        'body.respondsToId',
        'a shared entry cannot answer a side-only one',
        'shared_names_side_only',
      );
    let cur: OutcomeRow | undefined = target;
    for (let depth = 0; id && cur?.respondsToId && depth < 100; depth++) {
      if (cur.respondsToId === id)
        throw fieldError(400, 'body.respondsToId', 'answers would go round in a circle', 'answer_circle');
      cur = await findOutcome(db, cur.respondsToId);
    }
  }
  if (s.ownerUserId) {
    const m = (await membersOfGroup(db, group.id)).find((x) => x.userId === s.ownerUserId);
    if (!m || !canSeeItem(actor, { group, sideId: m.sideId, marking: m.marking }))
      throw fieldError(400, 'body.ownerUserId', 'not a delegate of this group', 'no_such_delegate');
    if (s.marking === 'shared' && m.marking !== 'shared')
      throw fieldError(
        400,
        'body.ownerUserId',
        'a shared entry cannot name a side-only delegate',
        'shared_names_side_only',
      );
  }
  return checkMeetingRefs(db, actor, group, s);
}

export async function createOutcome(ctx: Ctx, actor: ActorFacts, group: GroupFacts, input: State) {
  const own = membershipIn(actor, group.id);
  if (!own) throw notFound('Group');
  return runWrite(ctx, actor.userId, async (w) => {
    const refs = await checkRefs(w.tx, actor, group, null, input);
    const [row] = await w.tx
      .insert(outcomes)
      .values({ ...input, ...refs, groupId: group.id, sideId: own.sideId, createdBy: actor.userId })
      .returning();
    await w.audit({
      action: 'outcome.create',
      resourceType: 'outcome',
      resourceId: row!.id,
      groupId: group.id,
      sideId: row!.sideId,
      marking: row!.marking,
      after: row,
    });
    announce(w, group, row!, 'outcome.created');
    return row!;
  });
}

export async function updateOutcome(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  id: string,
  patch: Partial<Omit<State, 'status'>>,
) {
  return runWrite(ctx, actor.userId, async (w) => {
    const before = await lockOutcome(w.tx, id);
    if (!before) throw notFound('Outcome');
    const next: State = { ...before, ...patch };
    // Unchanged references are re-checked only when the marking changes (a delegate who has since left must
    // not block a typo fix); a new marking re-checks everything, since it changes who may see what.
    const all = next.marking !== before.marking;
    const changed = (k: keyof State) => all || k in patch;
    const probe: State = {
      ...next,
      raisedBySideId: changed('raisedBySideId') ? next.raisedBySideId : null,
      addressedToSideId: changed('addressedToSideId') ? next.addressedToSideId : null,
      respondsToId: changed('respondsToId') ? next.respondsToId : null,
      ownerUserId: changed('ownerUserId') ? next.ownerUserId : null,
      meetingId: changed('meetingId') || changed('agendaItemId') ? next.meetingId : null,
      agendaItemId: changed('meetingId') || changed('agendaItemId') ? next.agendaItemId : null,
    };
    const checked = await checkRefs(w.tx, actor, group, id, probe);
    const refs = changed('meetingId') || changed('agendaItemId') ? checked : {};
    if (before.marking === 'shared' && next.marking === 'side-only') await assertMayHide(w.tx, id);
    const [row] = await w.tx
      .update(outcomes)
      .set({ ...patch, ...refs, updatedAt: new Date() })
      .where(eq(outcomes.id, id))
      .returning();
    await w.audit({
      action: 'outcome.update',
      resourceType: 'outcome',
      resourceId: id,
      groupId: group.id,
      sideId: row!.sideId,
      marking: stricter(before.marking, row!.marking),
      before,
      after: row,
    });
    announce(w, group, row!, 'outcome.updated', wider(before.marking, row!.marking));
    return row!;
  });
}

/** A shared entry that others answer or that started a track has become common ground; it cannot be hidden. */
async function assertMayHide(db: DbOrTx, id: string) {
  if ((await allResponses(db, id)).some((r) => r.marking === 'shared'))
    throw conflict('Shared entries answer this one; it cannot become side-only', undefined, [
      { path: 'body.marking', message: 'answered by shared entries', code: 'answered_by_shared' },
    ]);
  if ((await tracksFromOutcomes(db, [id])).length > 0)
    throw conflict('A follow-up track was started from this entry; it cannot become side-only', undefined, [
      { path: 'body.marking', message: 'has a follow-up track', code: 'has_follow_up_track' },
    ]);
}

export async function setOutcomeStatus(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  id: string,
  status: OutcomeRow['status'],
) {
  return runWrite(ctx, actor.userId, async (w) => {
    const before = await lockOutcome(w.tx, id);
    if (!before) throw notFound('Outcome');
    const [row] = await w.tx
      .update(outcomes)
      .set({ status, updatedAt: new Date() })
      .where(eq(outcomes.id, id))
      .returning();
    await w.audit({
      action: 'outcome.status',
      resourceType: 'outcome',
      resourceId: id,
      groupId: group.id,
      sideId: row!.sideId,
      marking: row!.marking,
      before: { status: before.status },
      after: { status },
    });
    announce(w, group, row!, 'outcome.status');
    return row!;
  });
}

export async function deleteOutcome(ctx: Ctx, actor: ActorFacts, group: GroupFacts, id: string) {
  return runWrite(ctx, actor.userId, async (w) => {
    const before = await lockOutcome(w.tx, id);
    if (!before) throw notFound('Outcome');
    const responses = await allResponses(w.tx, id);
    if (responses.some((r) => canSeeItem(actor, outcomeItem(group, r))))
      throw withCode(conflict('Other entries answer this one; drop it instead'), 'answered_drop_instead');
    if ((await tracksFromOutcomes(w.tx, [id])).length > 0)
      throw withCode(
        conflict('A follow-up track was started from this entry; drop it instead'),
        'has_track_drop_instead',
      );
    // Answers the deleter cannot see (the other side's private notes) must not block or reveal themselves.
    await w.tx.update(outcomes).set({ respondsToId: null }).where(eq(outcomes.respondsToId, id));
    await w.tx.delete(outcomes).where(eq(outcomes.id, id));
    await w.audit({
      action: 'outcome.delete',
      resourceType: 'outcome',
      resourceId: id,
      groupId: group.id,
      sideId: before.sideId,
      marking: before.marking,
      before,
    });
    announce(w, group, before, 'outcome.deleted');
  });
}
