import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { mayTakePart, waitsForStepUp } from './contexts.js';
import { findMlsGroup, scopeOfGroup } from './mls-queries.js';
import { mlsMembers } from './schema.js';

/** `mls:<id>`: people the policy lets take part who have a device in the group right now. */
export function registerMlsTopics(ctx: AppContext): void {
  ctx.hub.registerTopic('mls', async (actor, id) => {
    if (!actor.userId) return false;
    const group = await findMlsGroup(ctx.db, id);
    if (!group) return false;
    const scope = await scopeOfGroup(ctx.db, group);
    if (!mayTakePart(actor, scope) || waitsForStepUp(actor, scope)) return false;
    const [m] = await ctx.db
      .select({ status: mlsMembers.status })
      .from(mlsMembers)
      .where(and(eq(mlsMembers.mlsGroupId, id), eq(mlsMembers.userId, actor.userId), eq(mlsMembers.status, 'active')))
      .limit(1);
    return !!m;
  });
}
