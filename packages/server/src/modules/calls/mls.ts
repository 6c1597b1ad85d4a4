import { mlsContext } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import type { ActorFacts } from '../../policy/policy.js';
import { resolveContext } from '../keys/contexts.js';
import { leaveGroup, type MembershipRef, requestRemoval } from '../keys/mls-membership.js';
import { currentMembers, factsOfUsers, findMlsGroupByContext } from '../keys/mls-queries.js';
import { mlsRuntimeOf } from '../keys/runtime.js';

/**
 * Takes a departed participant's devices out of the call's MLS group: the Delivery Service marks them leaving and
 * nominates a remaining member to commit the Remove (new epoch, new SFrame keys). `by` is the chair who removed them;
 * absent when they left or their socket did not come back, and then the departure is recorded as their own leave.
 * Only the memberships held when this starts are ended (by device and joining seq): if the person is back and added
 * again before the Remove request is written, their new membership stays.
 */
export async function evictFromCallGroup(
  ctx: AppContext,
  meetingId: string,
  userId: string,
  by?: ActorFacts,
): Promise<void> {
  const context = mlsContext({ kind: 'call', meetingId });
  const group = await findMlsGroupByContext(ctx.db, context);
  if (!group) return;
  const held: MembershipRef[] = (await currentMembers(ctx.db, group.id))
    .filter((m) => m.userId === userId && m.status === 'active')
    .map((m) => ({ deviceId: m.deviceId, joinedSeq: m.joinedSeq }));
  if (held.length === 0) return;
  const scope = await resolveContext(ctx.db, context);
  if (!scope) return;
  const nominator = mlsRuntimeOf(ctx).nominator;
  if (by) {
    try {
      const res = await requestRemoval(ctx, by, scope, group.id, userId, held);
      nominator.schedule(res.nomination, group.id);
      return;
    } catch (err) {
      // The keys policy lets only the target's own side chair ask for a removal; a chair of the other side removed
      // them from the call, which ends their part in it all the same: fall through to recording their leave.
      if (!(err instanceof HttpError) || err.status !== 403) throw err;
    }
  }
  const target = (await factsOfUsers(ctx.db, [userId])).get(userId)!;
  for (const ref of held) {
    const res = await leaveGroup(ctx, target, scope, group.id, ref);
    nominator.schedule(res.nomination, group.id);
  }
}
