import type { AppContext } from '../../context.js';
import { canSeeItem } from '../../policy/policy.js';
import { findMeetingFacts } from './queries.js';

/** `meeting:<id>` is open to whoever may read the meeting; events on it are filtered again per item. */
export function registerMeetingTopics(ctx: AppContext): void {
  ctx.hub.registerTopic('meeting', async (actor, id) => {
    const facts = await findMeetingFacts(ctx.db, id);
    return !!facts && actor.userId !== null && canSeeItem(actor, facts.item);
  });
}
