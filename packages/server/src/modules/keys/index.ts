import type { DeviceLogEntry } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import type { ActorFacts } from '../../policy/policy.js';
import type { WriteContext } from '../../services/write.js';
import { resolveContext } from './contexts.js';
import { deviceChains } from './device-log.js';
import { claimJoinerKeyPackage, leaveGroup, type MembershipRef, requestRemoval } from './mls-membership.js';
import { currentMembers, factsOfUsers, findMlsGroupByContext } from './mls-queries.js';
import { retireContext } from './mls-service.js';
import { mlsRuntimeOf } from './runtime.js';

/*
 * What other modules may ask of the device keys and the Delivery Service (docs/architecture.md §3.1,
 * docs/call-keys.md §2.2): a person's own device, the memberships a person holds in the MLS group of a context, and
 * their departure, for which the Delivery Service nominates a remaining member to commit the Remove
 * (docs/call-keys.md §6.1). Everything else in this folder is the module's own.
 */

export { ownActiveDevice } from './devices.js';
export { keysModule } from './routes.js';

/** The active memberships one person holds in the MLS group of a context (e.g. `call:<meetingId>`). */
export interface HeldMemberships {
  context: string;
  mlsGroupId: string;
  userId: string;
  /** By device and joining seq: a membership begun after this lookup is not among them. */
  refs: MembershipRef[];
}

export async function heldMemberships(db: DbOrTx, context: string, userId: string): Promise<HeldMemberships | null> {
  const group = await findMlsGroupByContext(db, context);
  if (!group) return null;
  const refs = (await currentMembers(db, group.id))
    .filter((m) => m.userId === userId && m.status === 'active')
    .map((m) => ({ deviceId: m.deviceId, joinedSeq: m.joinedSeq }));
  return refs.length > 0 ? { context, mlsGroupId: group.id, userId, refs } : null;
}

/** A key package claimed at admission, and the device-key log of its owner to check it against. */
export interface AdmissionKeys {
  keyPackage: string;
  deviceLog: DeviceLogEntry[];
}

/**
 * A joiner admitted to a call with `deviceId`: one key package of that device, claimed now, and the person's
 * device-key log, for the member who commits the Add to use without a claim or a log fetch of its own
 * (docs/call-keys.md §5.2 item 4, §11). Null when the context has no group yet, the device is a member already or
 * has no package: the member then claims as usual.
 */
export async function claimAtAdmission(
  ctx: AppContext,
  context: string,
  userId: string,
  deviceId: string,
): Promise<AdmissionKeys | null> {
  const group = await findMlsGroupByContext(ctx.db, context);
  const scope = group && (await resolveContext(ctx.db, context));
  if (!group || !scope) return null;
  const joiner = (await factsOfUsers(ctx.db, [userId])).get(userId);
  const keyPackage = joiner ? await claimJoinerKeyPackage(ctx, scope, group.id, joiner, deviceId) : null;
  if (!keyPackage) return null;
  // Read after the claim: the log the adder checks the package against is at least as new as the package.
  return { keyPackage, deviceLog: (await deviceChains(ctx.db, [userId])).get(userId) ?? [] };
}

/**
 * `by` asks for the removal of these memberships and a remaining member is nominated to commit it. Refused with a
 * 403 when the keys policy does not let `by` ask (only a chair of the person's own side may).
 */
export async function requestMembershipsRemoval(ctx: AppContext, by: ActorFacts, held: HeldMemberships) {
  const scope = await resolveContext(ctx.db, held.context);
  if (!scope) return;
  const res = await requestRemoval(ctx, by, scope, held.mlsGroupId, held.userId, held.refs);
  mlsRuntimeOf(ctx).nominator.schedule(res.nomination, held.mlsGroupId);
}

/** The person's own departure of each membership; each leave nominates a remaining member to commit the Remove. */
export async function leaveMemberships(ctx: AppContext, held: HeldMemberships): Promise<void> {
  const scope = await resolveContext(ctx.db, held.context);
  if (!scope) return;
  const person = (await factsOfUsers(ctx.db, [held.userId])).get(held.userId)!;
  for (const ref of held.refs) {
    const res = await leaveGroup(ctx, person, scope, held.mlsGroupId, ref);
    mlsRuntimeOf(ctx).nominator.schedule(res.nomination, held.mlsGroupId);
  }
}

/**
 * What a context keyed ends (a call that ended): its MLS group is retired inside the caller's write, so the next
 * use of the context starts a new group with fresh keys and nobody from before is still a member
 * (docs/call-keys.md §6.4).
 */
export async function retireKeys(ctx: WriteContext, context: string): Promise<void> {
  const scope = await resolveContext(ctx.db, context);
  if (scope) await retireContext(ctx, scope, context);
}
