import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import type { ActorFacts } from '../../policy/policy.js';
import { heldMemberships, leaveMemberships, requestMembershipsRemoval } from '../keys/index.js';

/**
 * Takes a departed participant's devices out of the call's (or the caucus's) MLS group: the Delivery Service marks them leaving and
 * nominates a remaining member to commit the Remove (new epoch, new SFrame keys; docs/call-keys.md §6.1). `by` is
 * the chair who removed them; absent when they left or their socket did not come back, and then the departure is
 * recorded as their own leave. Only the memberships held when this starts are ended (by device and joining seq):
 * if the person is back and added again before the Remove request is written, their new membership stays.
 */
export async function evictFromCallGroup(
  ctx: AppContext,
  context: string,
  userId: string,
  by?: ActorFacts,
): Promise<void> {
  const held = await heldMemberships(ctx.db, context, userId);
  if (!held) return;
  if (by) {
    try {
      return await requestMembershipsRemoval(ctx, by, held);
    } catch (err) {
      // The keys policy lets only the target's own side chair ask for a removal; a chair of the other side removed
      // them from the call, which ends their part in it all the same: fall through to recording their leave.
      if (!(err instanceof HttpError) || err.status !== 403) throw err;
    }
  }
  await leaveMemberships(ctx, held);
}
