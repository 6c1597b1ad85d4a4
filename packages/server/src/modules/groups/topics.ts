import type { AppContext } from '../../context.js';
import { decide } from '../../policy/policy.js';
import { findGroup } from './queries.js';

export function registerGroupTopics(ctx: AppContext): void {
  ctx.hub.registerTopic('group', async (actor, id) => {
    const g = await findGroup(ctx.db, id);
    return (
      !!g &&
      decide(actor, 'group.read', { type: 'group', group: { id: g.id, kind: g.kind, parentGroupId: g.parentGroupId } })
    );
  });
}
