import type { AppContext } from '../../context.js';
import { loadActorFacts } from '../../policy/actor.js';
import { canSeeItem, type GroupFacts, standingIn } from '../../policy/policy.js';
import { findUserById } from '../auth/queries.js';
import { allGroups } from '../groups/queries.js';
import { feedIcs } from '../meetings/ics.js';
import { meetingsOfGroups } from '../meetings/queries.js';

/** The user's whole calendar: every meeting they may see right now, with the same policy as the API. */
export async function calendarFeedFor(ctx: Pick<AppContext, 'db' | 'config'>, userId: string): Promise<string | null> {
  const user = await findUserById(ctx.db, userId);
  if (!user) return null;
  const actor = await loadActorFacts(ctx.db, user.id, user.isAdmin);
  const groups = (await allGroups(ctx.db))
    .map((g) => ({ row: g, facts: { id: g.id, kind: g.kind, parentGroupId: g.parentGroupId } as GroupFacts }))
    .filter((g) => standingIn(actor, g.facts).kind !== 'none');
  const byId = new Map(groups.map((g) => [g.row.id, g]));
  const meetings = await meetingsOfGroups(
    ctx.db,
    groups.map((g) => g.row.id),
  );
  const items = meetings.flatMap((m) => {
    const g = byId.get(m.groupId)!;
    if (!canSeeItem(actor, { group: g.facts, sideId: m.sideId, marking: m.marking })) return [];
    return [{ meeting: m, ctx: { publicUrl: ctx.config.publicUrl, groupName: g.row.name } }];
  });
  return feedIcs(`Parley — ${user.displayName}`, items);
}
