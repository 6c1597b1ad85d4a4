import { domainEvent, type Role } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { fieldError } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, type GroupFacts } from '../../policy/policy.js';
import { runWrite } from '../../services/write.js';
import { agenciesOfGroup, findMembership, sidesOf } from '../groups/queries.js';
import { addMembership, createAgency, createGroup, createSide } from '../groups/service.js';
import type { OutcomeRow } from '../outcomes/queries.js';
import { tracks } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;

export interface NewTrack {
  name: string;
  description: string;
  experts: { membershipId: string; role: Role }[];
}

/**
 * Creates a follow-up track from a shared outcome in one transaction: the track group, a copy of each parent
 * side (same name, code and colour, so both read as the same governments, linked to the side it stands for so
 * that side's chairs oversee their own people), and the chosen experts of each side with a copy of their agency
 * (same name and marking: a side-only agency stays with its side, and so do its people).
 * The groups services run nested in this write (a savepoint each), so a failing expert rolls the whole track back
 * and their roster events go out with the track's, after its commit, or not at all.
 */
export async function createTrack(
  ctx: Ctx,
  actor: ActorFacts,
  parent: GroupFacts,
  outcome: OutcomeRow,
  input: NewTrack,
) {
  const experts = await Promise.all(
    input.experts.map(async (e, i) => {
      const m = await findMembership(ctx.db, parent.id, e.membershipId).catch(() => null);
      if (!m || !canSeeItem(actor, { group: parent, sideId: m.sideId, marking: m.marking }))
        throw fieldError(
          400,
          `body.experts.${i}.membershipId`,
          'no such delegate in the parent group',
          'no_such_delegate',
        );
      if (input.experts.findIndex((x) => x.membershipId === e.membershipId) !== i)
        throw fieldError(400, `body.experts.${i}.membershipId`, 'listed twice', 'listed_twice');
      return { ...e, m };
    }),
  );
  const parentAgencies = await agenciesOfGroup(ctx.db, parent.id);
  return runWrite(ctx, actor.userId, async (w) => {
    const nested = w.nested(ctx);
    const g = await createGroup(nested, actor.userId, {
      name: input.name,
      description: input.description,
      kind: 'track',
      parentGroupId: parent.id,
    });
    const track: GroupFacts = { id: g.id, kind: 'track', parentGroupId: parent.id };
    const sideMap = new Map<string, string>();
    for (const s of await sidesOf(w.tx, [parent.id])) {
      const copy = await createSide(nested, actor.userId, track, {
        name: s.name,
        shortCode: s.shortCode,
        colour: s.colour,
        parentSideId: s.id,
      });
      sideMap.set(s.id, copy.id);
    }
    const agencyMap = new Map<string, string>();
    for (const a of parentAgencies) {
      if (!experts.some((e) => e.m.agencyId === a.id)) continue;
      const copy = await createAgency(nested, actor.userId, track, sideMap.get(a.sideId)!, {
        name: a.name,
        marking: a.marking,
      });
      agencyMap.set(a.id, copy.id);
    }
    for (const e of experts) {
      await addMembership(nested, actor.userId, track, {
        userId: e.m.userId,
        sideId: sideMap.get(e.m.sideId)!,
        role: e.role,
        agencyId: e.m.agencyId ? (agencyMap.get(e.m.agencyId) ?? null) : null,
        title: e.m.title,
        marking: e.m.marking,
      });
    }
    const [row] = await w.tx
      .insert(tracks)
      .values({ groupId: g.id, parentGroupId: parent.id, outcomeId: outcome.id, createdBy: actor.userId })
      .returning();
    await w.audit({
      action: 'track.create',
      resourceType: 'track',
      resourceId: g.id,
      groupId: parent.id,
      sideId: null,
      marking: 'shared',
      after: row,
    });
    const event = domainEvent('track.created', { groupId: parent.id, resourceType: 'track', resourceId: g.id });
    w.emit({
      topic: `group:${parent.id}`,
      event,
      audience: { item: { group: parent, sideId: null, marking: 'shared' } },
    });
    return row!;
  });
}
