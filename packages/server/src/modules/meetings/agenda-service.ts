import { type AgendaEvent, domainEvent, type Marking } from '@parley/protocol';
import { eq, max } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { fieldError } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, type GroupFacts, type ItemFacts } from '../../policy/policy.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { type AgendaItemRow, agendaOfMeeting, findAgendaItem, findMeeting, type MeetingRow } from './queries.js';
import { agendaItems } from './schema.js';
import { assertCan } from './state-machine.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;

export const agendaItemFacts = (group: GroupFacts, a: Pick<AgendaItemRow, 'sideId' | 'marking'>): ItemFacts => ({
  group,
  sideId: a.sideId,
  marking: a.marking,
});

/** Agenda changes go to the meeting's topic, only to those who may see the item itself. */
function announce(
  w: WriteScope,
  group: GroupFacts,
  meetingId: string,
  kind: AgendaEvent['kind'],
  item: ItemFacts,
  id: string,
) {
  w.emit({
    topic: `meeting:${meetingId}`,
    event: domainEvent(kind, { groupId: group.id, resourceType: 'agenda_item', resourceId: id }),
    audience: { item },
  });
}

async function audit(
  w: WriteScope,
  action: string,
  m: MeetingRow,
  item: ItemFacts,
  id: string | null,
  before?: unknown,
  after?: unknown,
) {
  await w.audit({
    action: `agenda.${action}`,
    resourceType: 'agenda_item',
    resourceId: id,
    groupId: m.groupId,
    sideId: item.sideId,
    marking: item.marking,
    before,
    after,
  });
}

/** Locks the meeting (so edits and reorders of one agenda queue up) and refuses once it has been held. */
async function editableMeeting(w: WriteScope, meetingId: string): Promise<MeetingRow> {
  const m = await findMeeting(w.tx, meetingId, true);
  assertCan(m, 'edit_agenda');
  return m;
}

export async function addAgendaItem(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  meetingId: string,
  input: { title: string; notes: string; marking: Marking; sideId: string | null },
): Promise<AgendaItemRow> {
  return runWrite(ctx, actorUserId, async (w) => {
    const m = await editableMeeting(w, meetingId);
    const [{ value: last } = { value: null }] = await w.tx
      .select({ value: max(agendaItems.position) })
      .from(agendaItems)
      .where(eq(agendaItems.meetingId, meetingId));
    const [a] = await w.tx
      .insert(agendaItems)
      .values({ ...input, meetingId, position: (last ?? -1) + 1 })
      .returning();
    const item = agendaItemFacts(group, a!);
    await audit(w, 'create', m, item, a!.id, undefined, a);
    announce(w, group, meetingId, 'agenda.item_created', item, a!.id);
    return a!;
  });
}

export async function updateAgendaItem(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  meetingId: string,
  itemId: string,
  patch: { title?: string; notes?: string },
): Promise<AgendaItemRow> {
  return runWrite(ctx, actorUserId, async (w) => {
    const m = await editableMeeting(w, meetingId);
    const before = await findAgendaItem(w.tx, meetingId, itemId);
    const [a] = await w.tx
      .update(agendaItems)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(agendaItems.id, itemId))
      .returning();
    const item = agendaItemFacts(group, a!);
    await audit(w, 'update', m, item, itemId, before, a);
    announce(w, group, meetingId, 'agenda.item_updated', item, itemId);
    return a!;
  });
}

export async function deleteAgendaItem(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  meetingId: string,
  itemId: string,
): Promise<void> {
  await runWrite(ctx, actorUserId, async (w) => {
    const m = await editableMeeting(w, meetingId);
    const before = await findAgendaItem(w.tx, meetingId, itemId);
    await w.tx.delete(agendaItems).where(eq(agendaItems.id, itemId));
    const item = agendaItemFacts(group, before);
    await audit(w, 'delete', m, item, itemId, before);
    announce(w, group, meetingId, 'agenda.item_deleted', item, itemId);
  });
}

/**
 * Reorders the items the actor can see into the given order. Items hidden from the actor (the other side's
 * side-only items) keep their slots, so one side's reorder neither reveals nor disturbs the other's items.
 */
export async function reorderAgenda(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  meetingId: string,
  itemIds: readonly string[],
): Promise<void> {
  await runWrite(ctx, actor.userId, async (w) => {
    const m = await editableMeeting(w, meetingId);
    const all = await agendaOfMeeting(w.tx, meetingId);
    const visible = all.filter((a) => canSeeItem(actor, agendaItemFacts(group, a)));
    const known = new Set(visible.map((a) => a.id));
    const seen = new Set<string>();
    for (const [i, id] of itemIds.entries()) {
      if (!known.has(id)) throw fieldError(400, `body.itemIds.${i}`, 'not an item of this agenda', 'not_in_agenda');
      if (seen.has(id)) throw fieldError(400, `body.itemIds.${i}`, 'listed twice', 'listed_twice');
      seen.add(id);
    }
    if (seen.size !== known.size)
      throw fieldError(400, 'body.itemIds', 'must list every item of the agenda exactly once', 'every_item_once');
    // Hand out the visible items' slots (in their current order) to the new order; hidden items stay put.
    const slots = all.map((a, i) => ({ a, pos: i })).filter(({ a }) => known.has(a.id));
    const hidden = all.map((a, i) => ({ a, pos: i })).filter(({ a }) => !known.has(a.id));
    const now = new Date();
    for (const [i, id] of itemIds.entries()) {
      await w.tx.update(agendaItems).set({ position: slots[i]!.pos, updatedAt: now }).where(eq(agendaItems.id, id));
    }
    // Normalise hidden items too, so positions are 0..n-1 with no ties left over from earlier deletes.
    for (const { a, pos } of hidden) {
      if (a.position !== pos) await w.tx.update(agendaItems).set({ position: pos }).where(eq(agendaItems.id, a.id));
    }
    const item: ItemFacts = { group, sideId: m.sideId, marking: m.marking };
    await w.audit({
      action: 'agenda.reorder',
      resourceType: 'meeting',
      resourceId: meetingId,
      groupId: m.groupId,
      sideId: m.sideId,
      marking: m.marking,
      after: { order: itemIds },
    });
    announce(w, group, meetingId, 'agenda.reordered', item, meetingId);
  });
}
