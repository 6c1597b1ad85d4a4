import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { fieldError, forbidden, notFound, unauthorized } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, decide, membershipIn } from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { findSide } from '../groups/queries.js';
import { findMeetingFacts, type MeetingFacts } from './queries.js';
import type { MeetingActor } from './service.js';

export interface MeetingAccess {
  actor: ActorFacts;
  facts: MeetingFacts;
  /** The caller as the meetings service records them: user and own side in the meeting's group. */
  who: MeetingActor;
}

/**
 * Loads a meeting the caller may see and checks the action on it. A meeting the caller may not see (another
 * side's side-only meeting, another group's) is "not found", exactly like a missing one.
 */
export async function meetingAccess(
  ctx: AppContext,
  request: FastifyRequest,
  meetingId: string,
  action: 'item.read' | 'item.write' | 'item.chair' = 'item.read',
): Promise<MeetingAccess> {
  const user = request.auth.user;
  if (!user) throw unauthorized();
  const actor = await actorOf(ctx, request);
  const facts = await findMeetingFacts(ctx.db, meetingId);
  if (!facts || !canSeeItem(actor, facts.item)) throw notFound('Meeting');
  if (!decide(actor, action, { type: 'item', item: facts.item })) throw forbidden();
  return { actor, facts, who: { userId: user.id, sideId: membershipIn(actor, facts.groupId)?.sideId ?? null } };
}

/** Cancelling, re-requesting and postponing speak for a side: only that side's chairs and secretariat may. */
export async function representSide(
  ctx: AppContext,
  access: MeetingAccess,
  sideId: string | undefined,
): Promise<string> {
  const bySideId = sideId ?? access.who.sideId;
  if (!bySideId) throw forbidden('Only a chair or the secretariat of a side may do this');
  if (sideId !== undefined) {
    await findSide(ctx.db, access.facts.groupId, sideId).catch(() => {
      throw fieldError(400, 'body.bySideId', 'not a side of this group', 'no_such_side');
    });
  }
  const group = access.facts.group;
  if (!decide(access.actor, 'side.represent', { type: 'side', group, sideId: bySideId })) {
    throw forbidden('Only a chair or the secretariat of that side may act on its behalf');
  }
  // A side-only meeting belongs to one side; the other side cannot even see it, let alone act on it.
  if (access.facts.item.sideId !== null && access.facts.item.sideId !== bySideId) throw forbidden();
  return bySideId;
}
