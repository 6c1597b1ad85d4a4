import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { notFound, unauthorized } from '../../http/errors.js';
import { canSeeItem } from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { groupFacts } from '../groups/queries.js';
import { findOutcome, outcomeItem } from './queries.js';

/** An outcome the caller may read; missing and hidden ones are the same 404, so ids cannot be probed. */
export async function visibleOutcome(ctx: AppContext, request: FastifyRequest, id: string) {
  if (!request.auth.user) throw unauthorized();
  const row = await findOutcome(ctx.db, id);
  if (!row) throw notFound('Outcome');
  const group = await groupFacts(ctx.db, row.groupId);
  const actor = await actorOf(ctx, request);
  const item = outcomeItem(group, row);
  if (!canSeeItem(actor, item)) throw notFound('Outcome');
  return { row, group, actor, item };
}
