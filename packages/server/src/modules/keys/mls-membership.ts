import { and, asc, desc, eq, gt, inArray, lte, ne, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { fieldError, notFound } from '../../http/errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import type { ActorFacts } from '../../policy/policy.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { auditPlacement, type MlsScope, mayRequestRemoval, mayTakePart, takesExternalJoins } from './contexts.js';
import { b64 } from './device-log.js';
import {
  currentMembers,
  factsOfUsers,
  findMlsGroup,
  type MlsMemberRow,
  memberDevice,
  scopeOfGroup,
} from './mls-queries.js';
import { messageDto } from './mls-service.js';
import { type Nomination, nominateInTx } from './nomination.js';
import { devices, keyPackages, mlsGroups, mlsMembers, mlsMessages, mlsWelcomes } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;

/**
 * One key package per active device of the target user that is not in the group yet. One-time packages are
 * deleted as they are handed out; when a device has none left its last-resort package is handed out and kept.
 */
export async function claimKeyPackages(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  input: { deviceId: string; userId: string; devices?: string[] },
) {
  const userId = actor.userId!;
  const target = (await factsOfUsers(ctx.db, [input.userId])).get(input.userId)!;
  const wanted = input.devices && new Set(input.devices);
  if (!mayTakePart(target, scope)) throw fieldError(404, 'body.userId', 'no such user who may join');
  return runWrite(ctx, userId, async (w) => {
    await memberDevice(w.tx, mlsGroupId, userId, input.deviceId);
    const present = new Set((await currentMembers(w.tx, mlsGroupId)).map((m) => m.deviceId));
    const targetDevices = await w.tx
      .select()
      .from(devices)
      .where(and(eq(devices.userId, input.userId), eq(devices.status, 'active')));
    const out = [];
    for (const d of targetDevices.filter((x) => !present.has(x.deviceId) && (!wanted || wanted.has(x.deviceId)))) {
      const taken = await takeKeyPackage(w.tx, d.deviceId);
      if (!taken) continue;
      const { keyPackage: kp, lastResort } = taken;
      out.push({
        userId: input.userId,
        deviceId: d.deviceId,
        keyPackage: b64(new Uint8Array(kp)),
        lastResort,
        signaturePublicKey: b64(d.signaturePublicKey),
      });
    }
    await auditClaim(w, scope, actor, mlsGroupId, input.userId, out);
    return { keyPackages: out };
  });
}

/**
 * Hands out one key package of a device: a one-time one, deleted as it goes (SKIP LOCKED: two adders claiming at
 * once get different packages instead of waiting or sharing one), else its last-resort one, which stays.
 */
async function takeKeyPackage(
  tx: DbOrTx,
  deviceId: string,
): Promise<{ keyPackage: Uint8Array; lastResort: boolean } | undefined> {
  const oneTime = await tx.execute<{ key_package: Uint8Array }>(sql`
    delete from ${keyPackages} where ${keyPackages.id} = (
      select ${keyPackages.id} from ${keyPackages}
      where ${keyPackages.deviceId} = ${deviceId} and ${keyPackages.lastResort} = false
      order by ${keyPackages.createdAt} limit 1 for update skip locked)
    returning ${keyPackages.keyPackage}`);
  const kp = rowsOf<{ key_package: Uint8Array }>(oneTime)[0]?.key_package;
  if (kp) return { keyPackage: kp, lastResort: false };
  const [lr] = await tx
    .select({ keyPackage: keyPackages.keyPackage })
    .from(keyPackages)
    .where(and(eq(keyPackages.deviceId, deviceId), eq(keyPackages.lastResort, true)))
    .orderBy(desc(keyPackages.createdAt))
    .limit(1);
  return lr ? { keyPackage: lr.keyPackage, lastResort: true } : undefined;
}

/**
 * A call's joiner is admitted: one key package of the device it joins with, claimed by the call manager on the
 * joiner's behalf so that the member who commits the Add needs no claim round trip (docs/call-keys.md §5.2, §11).
 * Nothing when the context has no group yet (the joiner creates it) or the device is a member already.
 */
export async function claimJoinerKeyPackage(
  ctx: Ctx,
  scope: MlsScope,
  mlsGroupId: string,
  joiner: ActorFacts,
  deviceId: string,
): Promise<string | null> {
  if (!mayTakePart(joiner, scope)) return null;
  // Still a member (a page reloaded within the departure hold): nothing to claim, and so nothing to write.
  if ((await currentMembers(ctx.db, mlsGroupId)).some((m) => m.deviceId === deviceId)) return null;
  return runWrite(ctx, joiner.userId!, async (w) => {
    const [device] = await w.tx
      .select({ deviceId: devices.deviceId })
      .from(devices)
      .where(and(eq(devices.deviceId, deviceId), eq(devices.userId, joiner.userId!), eq(devices.status, 'active')));
    const taken = device && (await takeKeyPackage(w.tx, deviceId));
    const keyPackage = taken ? b64(new Uint8Array(taken.keyPackage)) : null;
    const claimed = taken && keyPackage ? [{ deviceId, lastResort: taken.lastResort, keyPackage }] : [];
    await auditClaim(w, scope, joiner, mlsGroupId, joiner.userId!, claimed, { atAdmission: true });
    return keyPackage;
  });
}

/** Who was handed which key package: by digest, never the package itself. */
function auditClaim(
  w: WriteScope,
  scope: MlsScope,
  actor: ActorFacts,
  mlsGroupId: string,
  forUserId: string,
  claimed: readonly { deviceId: string; lastResort: boolean; keyPackage: string }[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  return w.audit({
    ...auditPlacement(scope, actor),
    action: 'key-packages.claim',
    resourceType: 'mls-group',
    resourceId: mlsGroupId,
    after: {
      forUserId,
      ...extra,
      claimed: claimed.map((k) => ({
        deviceId: k.deviceId,
        lastResort: k.lastResort,
        digest: sha256Hex(k.keyPackage),
      })),
    },
  });
}

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : ((r as { rows?: T[] }).rows ?? []));

/**
 * One membership of a device in a group. With `joinedSeq` it names that membership only: a request that arrives late
 * (a call participant's departure handled after they rejoined) must not end the membership that began since.
 */
export interface MembershipRef {
  deviceId: string;
  joinedSeq?: number;
}

/**
 * Marks devices as leaving and nominates a remaining member to commit their Remove. The server cannot remove
 * anyone from an MLS group itself; until the commit lands the leaving devices get no further traffic.
 */
async function markLeaving(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  targets: readonly MembershipRef[],
  action: string,
): Promise<{ removing: string[]; nomination: Nomination | null }> {
  const deviceIds = targets.map((t) => t.deviceId);
  return runWrite(ctx, actor.userId, async (w) => {
    const group = await findMlsGroup(w.tx, mlsGroupId, true);
    if (!group) throw notFound('MLS group');
    if (targets.length > 0)
      await w.tx
        .update(mlsMembers)
        .set({ status: 'leaving' })
        .where(
          and(
            eq(mlsMembers.mlsGroupId, mlsGroupId),
            eq(mlsMembers.status, 'active'),
            or(
              ...targets.map((t) =>
                t.joinedSeq === undefined
                  ? eq(mlsMembers.deviceId, t.deviceId)
                  : and(eq(mlsMembers.deviceId, t.deviceId), eq(mlsMembers.joinedSeq, t.joinedSeq)),
              ),
            ),
          ),
        );
    const members = await currentMembers(w.tx, mlsGroupId);
    // Nobody left to commit. A call's group is over with it (its next participant keys a new one, §6.4). A long-lived
    // thread goes on from its GroupInfo (§9): the leaving leaves stay in its tree, still holding the keys of every
    // epoch to come, until a member commits their Remove; so they stay due, and the next device to join (an external
    // join nominates) is asked to commit it.
    if (!members.some((m) => m.status === 'active') && !takesExternalJoins(scope))
      await w.tx
        .update(mlsMembers)
        .set({ status: 'removed', leafIndex: null, removedSeq: group.lastSeq })
        .where(and(eq(mlsMembers.mlsGroupId, mlsGroupId), eq(mlsMembers.status, 'leaving')));
    const nomination = await nominateInTx(w, group, await currentMembers(w.tx, mlsGroupId));
    await w.audit({
      ...auditPlacement(scope, actor),
      action,
      resourceType: 'mls-group',
      resourceId: mlsGroupId,
      after: { deviceIds, epoch: group.epoch, nominee: nomination?.deviceId ?? null },
    });
    return { removing: members.filter((m) => m.status === 'leaving').map((m) => m.deviceId), nomination };
  });
}

export async function leaveGroup(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  target: MembershipRef,
) {
  const member = await memberDevice(ctx.db, mlsGroupId, actor.userId!, target.deviceId, ['active', 'leaving']);
  return markLeaving(ctx, actor, scope, mlsGroupId, [{ ...target, deviceId: member.deviceId }], 'mls.leave');
}

export async function requestRemoval(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  targetUserId: string,
  /** Only these memberships of the target (a departure handled late); all of theirs when absent. */
  only?: readonly MembershipRef[],
) {
  const members = (await currentMembers(ctx.db, mlsGroupId)).filter(
    (m) =>
      m.userId === targetUserId &&
      (!only || only.some((o) => o.deviceId === m.deviceId && (o.joinedSeq ?? m.joinedSeq) === m.joinedSeq)),
  );
  if (members.length === 0) throw fieldError(404, 'body.userId', 'not a member of this MLS group');
  const target = (await factsOfUsers(ctx.db, [targetUserId])).get(targetUserId)!;
  const revoked = await anyRevoked(ctx.db, members);
  if (!mayRequestRemoval(actor, scope, target, revoked))
    throw fieldError(403, 'body.userId', 'only a chair of their side may remove this member');
  return markLeaving(
    ctx,
    actor,
    scope,
    mlsGroupId,
    members.map((m) => ({ deviceId: m.deviceId, joinedSeq: m.joinedSeq })),
    'mls.remove-request',
  );
}

async function anyRevoked(db: DbOrTx, members: readonly MlsMemberRow[]): Promise<boolean> {
  const rows = await db
    .select({ status: devices.status })
    .from(devices)
    .where(
      inArray(
        devices.deviceId,
        members.map((m) => m.deviceId),
      ),
    );
  return rows.some((r) => r.status === 'revoked');
}

/** A revoked device leaves every MLS group it is in. */
export async function evictDevice(ctx: Ctx, actor: ActorFacts, deviceId: string): Promise<Nomination[]> {
  const rows = await ctx.db
    .select({ mlsGroupId: mlsMembers.mlsGroupId })
    .from(mlsMembers)
    .where(and(eq(mlsMembers.deviceId, deviceId), eq(mlsMembers.status, 'active')));
  const out: Nomination[] = [];
  for (const r of rows) {
    const group = await findMlsGroup(ctx.db, r.mlsGroupId);
    const scope = group && (await scopeOfGroup(ctx.db, group).catch(() => undefined));
    if (!scope) continue;
    const { nomination } = await markLeaving(ctx, actor, scope, r.mlsGroupId, [{ deviceId }], 'mls.device-revoked');
    if (nomination) out.push(nomination);
  }
  return out;
}

/** Messages the reading device may see: from after it joined, up to its removal (so it learns of that). */
export async function messagesFor(
  db: DbOrTx,
  userId: string,
  mlsGroupId: string,
  q: { deviceId: string; afterSeq: number; limit: number },
) {
  const m = await memberDevice(db, mlsGroupId, userId, q.deviceId, ['active', 'leaving', 'removed']);
  const rows = await db
    .select()
    .from(mlsMessages)
    .where(
      and(
        eq(mlsMessages.mlsGroupId, mlsGroupId),
        gt(mlsMessages.seq, Math.max(q.afterSeq, m.joinedSeq)),
        ...(m.removedSeq !== null ? [lte(mlsMessages.seq, m.removedSeq)] : []),
      ),
    )
    .orderBy(asc(mlsMessages.seq))
    .limit(q.limit);
  return { messages: rows.map(messageDto), joinedSeq: m.joinedSeq };
}

/** The current Welcome of each group this device has been added to and not removed from. */
export async function welcomesFor(db: DbOrTx, deviceId: string) {
  const rows = await db
    .select({ w: mlsWelcomes, context: mlsGroups.context })
    .from(mlsWelcomes)
    .innerJoin(
      mlsMembers,
      and(
        eq(mlsMembers.mlsGroupId, mlsWelcomes.mlsGroupId),
        eq(mlsMembers.deviceId, mlsWelcomes.deviceId),
        eq(mlsMembers.joinedSeq, mlsWelcomes.seq),
      ),
    )
    .innerJoin(mlsGroups, eq(mlsGroups.id, mlsWelcomes.mlsGroupId))
    .where(and(eq(mlsWelcomes.deviceId, deviceId), ne(mlsMembers.status, 'removed')))
    .orderBy(asc(mlsWelcomes.createdAt));
  return {
    welcomes: rows.map(({ w, context }) => ({
      mlsGroupId: w.mlsGroupId,
      context,
      deviceId: w.deviceId,
      seq: w.seq,
      epoch: w.epoch,
      welcome: b64(w.welcome),
    })),
  };
}
