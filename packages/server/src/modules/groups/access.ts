import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { forbidden, notFound, unauthorized } from '../../http/errors.js';
import {
  type Action,
  type ActorFacts,
  decide,
  type GroupFacts,
  type Resource,
  standingIn,
  steppedUp,
} from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { stepUpRefusal } from '../auth/step-up.js';
import { groupFacts } from './queries.js';

/**
 * Asks the policy and turns "no" into the right answer: 401 for anonymous callers, 404 for people who may not
 * know the group exists (so ids cannot be probed), 403 for people who can see the group but not do this.
 */
export async function authorize(
  ctx: AppContext,
  request: FastifyRequest,
  action: Action,
  resource: Resource,
): Promise<ActorFacts> {
  const actor = await actorOf(ctx, request);
  if (decide(actor, action, resource)) return actor;
  if (actor.userId === null) throw unauthorized();
  if (decide(steppedUp(actor), action, resource)) throw await stepUpRefusal(ctx.db, request);
  const group = resourceGroup(resource);
  if (group && standingIn(actor, group).kind === 'none') throw notFound('Group');
  throw forbidden();
}

function resourceGroup(resource: Resource): GroupFacts | null {
  switch (resource.type) {
    case 'group':
    case 'side':
      return resource.group;
    case 'item':
      return resource.item.group;
    default:
      return null;
  }
}

export async function authorizeGroup(ctx: AppContext, request: FastifyRequest, groupId: string, action: Action) {
  if (!request.auth.user) throw unauthorized();
  const group = await groupFacts(ctx.db, groupId);
  const actor = await authorize(ctx, request, action, { type: 'group', group });
  return { actor, group };
}
