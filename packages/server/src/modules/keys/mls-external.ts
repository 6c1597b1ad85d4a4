// The Delivery Service's side of external joins (RFC 9420 §12.4.3.2) and of starting a thread anew.
//
// A GroupInfo is public to the server by design; what keeps a stranger out is who may send an external commit: the
// caller's own active device, registered in the device-key log under the caller, whose person the policy lets into
// the thread, with the commit's new leaf naming exactly that device and key. Members check the same leaf against
// the log again when they process the commit, so a server that skipped these checks would still be caught.
import { inspectExternalCommit, inspectGroupInfo } from '@parley/e2ee';
import { domainEvent } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, forbidden, notFound } from '../../http/errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import type { ActorFacts } from '../../policy/policy.js';
import { runWrite } from '../../services/write.js';
import { auditPlacement, type MlsScope, mayReestablish, takesExternalJoins } from './contexts.js';
import { b64 } from './device-log.js';
import { findDevice } from './devices.js';
import {
  audienceOf,
  currentMembers,
  findMember,
  findMlsGroup,
  groupInfoEpoch,
  type MlsGroupRow,
  memberDevice,
} from './mls-queries.js';
import { advanceEpoch, announce, storeCommit } from './mls-service.js';
import { type Nomination, nominateInTx } from './nomination.js';
import { mlsGroupInfos, mlsGroups, mlsMembers } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const groupIdBytes = (mlsGroupId: string) => new TextEncoder().encode(mlsGroupId);

function parsed<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw fieldError(400, path, error instanceof Error ? error.message : 'malformed MLS message');
  }
}

/** Stores the GroupInfo of the current epoch, published by a member device (the latest one replaces the earlier). */
export async function publishGroupInfo(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  input: { deviceId: string; epoch: number; groupInfo: string },
): Promise<{ epoch: number }> {
  if (!takesExternalJoins(scope)) throw forbidden('A call’s group takes no external joins');
  const info = parsed('body.groupInfo', () => inspectGroupInfo(fromB64(input.groupInfo)));
  if (!bytesEqual(info.groupId, groupIdBytes(mlsGroupId)))
    throw fieldError(400, 'body.groupInfo', 'the GroupInfo is for another group');
  if (Number(info.epoch) !== input.epoch)
    throw fieldError(400, 'body.groupInfo', 'the GroupInfo is for another epoch than the one given');
  return runWrite(ctx, actor.userId!, async (w) => {
    const group = await findMlsGroup(w.tx, mlsGroupId, true);
    if (!group) throw notFound('MLS group');
    await memberDevice(w.tx, mlsGroupId, actor.userId!, input.deviceId);
    if (group.epoch !== input.epoch)
      throw conflict('The group has moved to another epoch; publish that one', { epoch: group.epoch });
    const row = {
      epoch: input.epoch,
      groupInfo: fromB64(input.groupInfo),
      publishedBy: input.deviceId,
      publishedAt: new Date(),
    };
    await w.tx
      .insert(mlsGroupInfos)
      .values({ mlsGroupId, ...row })
      .onConflictDoUpdate({ target: mlsGroupInfos.mlsGroupId, set: row });
    await w.audit({
      ...auditPlacement(scope, actor),
      action: 'mls.group-info',
      resourceType: 'mls-group',
      resourceId: mlsGroupId,
      after: { epoch: input.epoch, digest: sha256Hex(input.groupInfo), deviceId: input.deviceId },
    });
    return { epoch: input.epoch };
  });
}

/** The GroupInfo of the group's current epoch; none (404) once a commit has moved the group past it. */
export async function currentGroupInfo(ctx: Ctx, group: MlsGroupRow) {
  const [row] = await ctx.db.select().from(mlsGroupInfos).where(eq(mlsGroupInfos.mlsGroupId, group.id));
  if (!row || row.epoch !== group.epoch) throw notFound('GroupInfo of the current epoch');
  return { epoch: row.epoch, groupInfo: b64(row.groupInfo), publishedAt: row.publishedAt.toISOString() };
}

/**
 * Accepts an external commit as the one commit of its epoch. Refuses (4xx naming why, nothing stored) a device
 * that is not the caller's active, logged device, one that is a member already, and a commit whose new leaf is not
 * that very device and key. Racing commits are decided by the same conditional epoch update as members' commits.
 */
export async function acceptExternalCommit(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  input: { deviceId: string; epoch: number; commit: string; leafIndex: number },
): Promise<{ seq: number; epoch: number; nomination: Nomination | null }> {
  const userId = actor.userId!;
  if (!takesExternalJoins(scope)) throw forbidden('A call’s group takes no external joins');
  const device = await findDevice(ctx.db, input.deviceId);
  if (!device || device.userId !== userId)
    throw fieldError(404, 'body.deviceId', 'no such device of yours in the device-key log');
  if (device.status !== 'active') throw fieldError(403, 'body.deviceId', 'this device was revoked');
  const info = parsed('body.commit', () => inspectExternalCommit(fromB64(input.commit)));
  if (!bytesEqual(info.groupId, groupIdBytes(mlsGroupId)))
    throw fieldError(400, 'body.commit', 'the commit is for another group');
  if (Number(info.epoch) !== input.epoch)
    throw fieldError(400, 'body.commit', 'the commit was made in another epoch than the one given');
  if (info.joiner.userId !== userId || info.joiner.deviceId !== input.deviceId)
    throw fieldError(400, 'body.commit', 'the joining leaf names another device than body.deviceId');
  if (!bytesEqual(info.joiner.signaturePublicKey, device.signaturePublicKey))
    throw fieldError(400, 'body.commit', 'the joining leaf’s key is not the device’s key in the device-key log');
  return runWrite(ctx, userId, async (w) => {
    const existing = await findMember(w.tx, mlsGroupId, input.deviceId);
    if (existing && existing.status !== 'removed')
      throw fieldError(409, 'body.deviceId', 'this device is a member already');
    const advanced = await advanceEpoch(w, mlsGroupId, input.epoch, 'join from the newer GroupInfo');
    const before = await currentMembers(w.tx, mlsGroupId);
    if (before.some((m) => m.leafIndex === input.leafIndex))
      throw fieldError(409, 'body.leafIndex', `leaf ${input.leafIndex} is occupied`);
    const seq = advanced.lastSeq;
    const row = { userId, leafIndex: input.leafIndex, status: 'active' as const, joinedSeq: seq, removedSeq: null };
    await w.tx
      .insert(mlsMembers)
      .values({ mlsGroupId, deviceId: input.deviceId, ...row })
      .onConflictDoUpdate({ target: [mlsMembers.mlsGroupId, mlsMembers.deviceId], set: row });
    await storeCommit(w, mlsGroupId, seq, input);
    await w.audit({
      ...auditPlacement(scope, actor),
      action: 'mls.external-join',
      resourceType: 'mls-group',
      resourceId: mlsGroupId,
      after: {
        epoch: input.epoch,
        seq,
        commitDigest: sha256Hex(input.commit),
        joined: { deviceId: input.deviceId, leafIndex: input.leafIndex, logHash: device.addedLogHash },
      },
    });
    announce(w, advanced, await audienceOf(w.tx, scope, before), {
      seq,
      epoch: input.epoch,
      kind: 'commit',
      senderDeviceId: input.deviceId,
      message: input.commit,
    });
    const nomination = await nominateInTx(w, advanced, await currentMembers(w.tx, mlsGroupId), {
      prefer: input.deviceId,
    });
    return { seq, epoch: advanced.epoch, nomination };
  });
}

/**
 * A chair starts the context anew when no GroupInfo of the current epoch exists (every member device gone before
 * one was published, or none ever was): the earlier group is retired with its ciphertext, which stays stored and
 * unreadable, and the new group names who did it and when. Only a chair's request does this; the server never
 * does it on its own.
 */
export async function reestablishGroup(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  previous: MlsGroupRow,
  input: { deviceId: string; cipherSuite: string },
): Promise<MlsGroupRow> {
  const userId = actor.userId!;
  if (!mayReestablish(actor, scope))
    throw forbidden('Only a chair may start this conversation anew; ask one to do it or to add your device');
  return runWrite(ctx, userId, async (w) => {
    const group = await findMlsGroup(w.tx, previous.id, true);
    if (!group || group.context.startsWith('retired:')) throw conflict('This conversation was started anew already');
    const own = await findDevice(w.tx, input.deviceId);
    if (!own || own.userId !== userId || own.status !== 'active')
      throw fieldError(404, 'body.deviceId', 'no such device of yours');
    if ((await groupInfoEpoch(w.tx, group.id)) === group.epoch)
      throw conflict('A device can still join this conversation from its published GroupInfo; no need to start anew', {
        epoch: group.epoch,
      });
    const context = group.context;
    await w.tx
      .update(mlsGroups)
      .set({ context: `retired:${group.id}`, nomineeDeviceId: null, nominatedEpoch: null })
      .where(eq(mlsGroups.id, group.id));
    const at = new Date();
    const [fresh] = await w.tx
      .insert(mlsGroups)
      .values({
        context,
        groupId: scope.group.id,
        cipherSuite: input.cipherSuite,
        createdBy: userId,
        reestablishedFrom: group.id,
        reestablishedBy: userId,
        reestablishedAt: at,
      })
      .returning();
    await w.tx.insert(mlsMembers).values({
      mlsGroupId: fresh!.id,
      deviceId: input.deviceId,
      userId,
      leafIndex: 0,
      status: 'active',
      joinedSeq: 0,
    });
    await w.audit({
      ...auditPlacement(scope, actor),
      action: 'mls-group.reestablish',
      resourceType: 'mls-group',
      resourceId: fresh!.id,
      before: { mlsGroupId: group.id, epoch: group.epoch },
      after: { context, cipherSuite: input.cipherSuite, creatorDeviceId: input.deviceId },
    });
    // Open clients of the earlier group learn at once; everyone else at their next visit (the new group says so).
    const recipients = await audienceOf(w.tx, scope, await currentMembers(w.tx, group.id));
    const event = domainEvent('mls.reestablished', {
      groupId: group.groupId,
      resourceType: 'mls-group',
      resourceId: group.id,
      data: { mlsGroupId: group.id, next: fresh!.id, byUserId: userId, at: at.toISOString() },
    });
    for (const to of new Set(recipients)) w.emit({ topic: `mls:${group.id}`, event, audience: { userId: to } });
    return fresh!;
  });
}
