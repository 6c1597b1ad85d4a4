import { domainEvent } from '@parley/protocol';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, notFound } from '../../http/errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import type { ActorFacts } from '../../policy/policy.js';
import { runWrite, type WriteContext, type WriteScope } from '../../services/write.js';
import { auditPlacement, type MlsScope, mayTakePart } from './contexts.js';
import { b64 } from './device-log.js';
import { ownActiveDevice } from './devices.js';
import {
  audienceOf,
  currentMembers,
  factsOfUsers,
  findMlsGroup,
  findMlsGroupByContext,
  type MlsGroupRow,
  type MlsMemberRow,
  memberDevice,
  nextSeq,
} from './mls-queries.js';
import { type Nomination, nominateInTx } from './nomination.js';
import { devices, mlsGroups, mlsMembers, mlsMessages, mlsWelcomes } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
/** Larger payloads are announced without their bytes; members fetch them by seq. */
const INLINE_LIMIT = 32 * 1024;

export async function createMlsGroup(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  input: { context: string; deviceId: string; cipherSuite: string },
): Promise<MlsGroupRow> {
  const userId = actor.userId!;
  return runWrite(ctx, userId, async (w) => {
    await ownActiveDevice(w.tx, userId, input.deviceId);
    const existing = await findMlsGroupByContext(w.tx, input.context);
    if (existing) {
      const [live] = await w.tx
        .select({ deviceId: mlsMembers.deviceId })
        .from(mlsMembers)
        .where(and(eq(mlsMembers.mlsGroupId, existing.id), eq(mlsMembers.status, 'active')))
        .limit(1);
      if (live) throw conflict('This context already has an MLS group', { mlsGroupId: existing.id });
      // Everyone has left: nobody can add a newcomer, so the context is keyed afresh.
      await retireGroup(w, scope, actor, existing);
    }
    const [g] = await w.tx
      .insert(mlsGroups)
      .values({ context: input.context, groupId: scope.group.id, cipherSuite: input.cipherSuite, createdBy: userId })
      .returning();
    await w.tx
      .insert(mlsMembers)
      .values({ mlsGroupId: g!.id, deviceId: input.deviceId, userId, leafIndex: 0, status: 'active', joinedSeq: 0 });
    await w.audit({
      ...auditPlacement(scope, actor),
      action: 'mls-group.create',
      resourceType: 'mls-group',
      resourceId: g!.id,
      after: { context: input.context, cipherSuite: input.cipherSuite, creatorDeviceId: input.deviceId },
    });
    return g!;
  });
}

export interface CommitInput {
  deviceId: string;
  epoch: number;
  commit: string;
  welcomes: { deviceId: string; welcome: string }[];
  addedDevices: { deviceId: string; leafIndex: number }[];
  removedDevices: string[];
}

/**
 * Accepts the one commit of an epoch. The conditional update on the group's epoch decides between racing
 * committers inside the database (the loser's update matches no row once the winner has committed), and the
 * partial unique index on (group, epoch) of commits backs it up.
 */
export async function acceptCommit(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  input: CommitInput,
): Promise<{ seq: number; epoch: number; nomination: Nomination | null }> {
  const userId = actor.userId!;
  return runWrite(ctx, userId, async (w) => {
    const advanced = await advanceEpoch(w, mlsGroupId, input.epoch, 'process it and retry');
    const seq = advanced.lastSeq;
    const committer = await memberDevice(w.tx, mlsGroupId, userId, input.deviceId);
    const before = await currentMembers(w.tx, mlsGroupId);
    await applyRemovals(w, before, committer, input.removedDevices, seq);
    const added = await applyAdds(w, scope, mlsGroupId, before, input, seq);
    await storeCommit(w, mlsGroupId, seq, input);
    await storeWelcomes(w, advanced, added, input.welcomes, seq);
    await w.audit({
      ...auditPlacement(scope, actor),
      action: 'mls.commit',
      resourceType: 'mls-group',
      resourceId: mlsGroupId,
      after: {
        epoch: input.epoch,
        seq,
        commitDigest: sha256Hex(input.commit),
        added: input.addedDevices,
        removed: input.removedDevices,
        welcomeDigests: input.welcomes.map((x) => sha256Hex(x.welcome)),
      },
    });
    // Everyone who was in the group hears of the commit, the removed ones included (so they learn of it).
    const recipients = await audienceOf(
      w.tx,
      scope,
      before.map((m) => ({ ...m, status: 'active' as const })),
    );
    announce(w, advanced, recipients, {
      seq,
      epoch: input.epoch,
      kind: 'commit',
      senderDeviceId: input.deviceId,
      message: input.commit,
    });
    const after = await currentMembers(w.tx, mlsGroupId);
    const nomination = await nominateInTx(w, advanced, after, { prefer: input.deviceId });
    return { seq, epoch: advanced.epoch, nomination };
  });
}

/**
 * Ends the group that keys a context (docs/call-keys.md §6.4): its context is freed for a new group, every
 * membership ends, and nothing more is accepted for it, so the keys of what ended are never reused.
 */
async function retireGroup(w: WriteScope, scope: MlsScope, actor: ActorFacts | null, group: MlsGroupRow) {
  await w.tx
    .update(mlsGroups)
    .set({ context: `retired:${group.id}` })
    .where(eq(mlsGroups.id, group.id));
  await w.tx
    .update(mlsMembers)
    .set({ status: 'removed', leafIndex: null, removedSeq: group.lastSeq })
    .where(and(eq(mlsMembers.mlsGroupId, group.id), ne(mlsMembers.status, 'removed')));
  await w.audit({
    ...auditPlacement(scope, actor),
    action: 'mls-group.retire',
    resourceType: 'mls-group',
    resourceId: group.id,
    before: { context: group.context },
  });
}

/** Retires the MLS group of a context if it has one (a call that ended); nothing when there is none. */
export async function retireContext(ctx: WriteContext, scope: MlsScope, context: string): Promise<boolean> {
  const group = await findMlsGroupByContext(ctx.db, context);
  if (!group) return false;
  await runWrite(ctx, null, (w) => retireGroup(w, scope, null, group));
  return true;
}

/**
 * One commit per epoch: the group moves on only from the epoch the commit was made in, so of two commits for the same
 * epoch the first to arrive wins and the other gets 409 with the epoch to catch up to (docs/architecture.md §5.2).
 */
export async function advanceEpoch(
  w: WriteScope,
  mlsGroupId: string,
  epoch: number,
  loserShould: string,
): Promise<MlsGroupRow> {
  const [advanced] = await w.tx
    .update(mlsGroups)
    .set({ epoch: sql`${mlsGroups.epoch} + 1`, lastSeq: sql`${mlsGroups.lastSeq} + 1` })
    .where(and(eq(mlsGroups.id, mlsGroupId), eq(mlsGroups.epoch, epoch)))
    .returning();
  if (advanced) return advanced;
  const g = await findMlsGroup(w.tx, mlsGroupId);
  if (!g) throw notFound('MLS group');
  throw conflict(`Another commit was accepted for this epoch; ${loserShould}`, { epoch: g.epoch, lastSeq: g.lastSeq });
}

/** Stores an accepted commit as the group's message `seq`, ciphertext as sent. */
export async function storeCommit(
  w: WriteScope,
  mlsGroupId: string,
  seq: number,
  commit: { epoch: number; deviceId: string; commit: string },
): Promise<void> {
  await w.tx.insert(mlsMessages).values({
    mlsGroupId,
    seq,
    epoch: commit.epoch,
    kind: 'commit',
    senderDeviceId: commit.deviceId,
    message: fromB64(commit.commit),
  });
}

async function applyRemovals(
  w: WriteScope,
  before: readonly MlsMemberRow[],
  committer: MlsMemberRow,
  removed: readonly string[],
  seq: number,
): Promise<void> {
  for (const deviceId of removed) {
    if (deviceId === committer.deviceId)
      throw fieldError(400, 'body.removedDevices', 'a member cannot remove itself; ask to leave');
    if (!before.some((m) => m.deviceId === deviceId))
      throw fieldError(400, 'body.removedDevices', `${deviceId} is not a member`);
  }
  if (removed.length === 0) return;
  await w.tx
    .update(mlsMembers)
    .set({ status: 'removed', leafIndex: null, removedSeq: seq })
    .where(and(eq(mlsMembers.mlsGroupId, committer.mlsGroupId), inArray(mlsMembers.deviceId, [...removed])));
}

/** Declared additions must be registered, active devices of people the policy lets in, on free leaves. */
async function applyAdds(
  w: WriteScope,
  scope: MlsScope,
  mlsGroupId: string,
  before: readonly MlsMemberRow[],
  input: CommitInput,
  seq: number,
): Promise<{ deviceId: string; userId: string }[]> {
  if (input.addedDevices.length === 0) return [];
  const ids = input.addedDevices.map((a) => a.deviceId);
  if (new Set(ids).size !== ids.length) throw fieldError(400, 'body.addedDevices', 'a device is listed twice');
  const rows = await w.tx.select().from(devices).where(inArray(devices.deviceId, ids));
  const facts = await factsOfUsers(
    w.tx,
    rows.map((r) => r.userId),
  );
  const stillThere = before.filter((m) => !input.removedDevices.includes(m.deviceId));
  const taken = new Set(stillThere.map((m) => m.leafIndex));
  const out: { deviceId: string; userId: string }[] = [];
  for (const a of input.addedDevices) {
    const d = rows.find((r) => r.deviceId === a.deviceId);
    if (d?.status !== 'active' || !mayTakePart(facts.get(d.userId)!, scope))
      throw fieldError(404, 'body.addedDevices', `${a.deviceId}: no such device that may join`);
    if (stillThere.some((m) => m.deviceId === a.deviceId))
      throw fieldError(409, 'body.addedDevices', `${a.deviceId} is already a member`);
    if (taken.has(a.leafIndex)) throw fieldError(409, 'body.addedDevices', `leaf ${a.leafIndex} is occupied`);
    taken.add(a.leafIndex);
    const row = {
      userId: d.userId,
      leafIndex: a.leafIndex,
      status: 'active' as const,
      joinedSeq: seq,
      removedSeq: null,
    };
    await w.tx
      .insert(mlsMembers)
      .values({ mlsGroupId, deviceId: a.deviceId, ...row })
      .onConflictDoUpdate({ target: [mlsMembers.mlsGroupId, mlsMembers.deviceId], set: row });
    out.push({ deviceId: a.deviceId, userId: d.userId });
  }
  return out;
}

async function storeWelcomes(
  w: WriteScope,
  group: MlsGroupRow,
  added: readonly { deviceId: string; userId: string }[],
  welcomes: CommitInput['welcomes'],
  seq: number,
): Promise<void> {
  for (const x of welcomes) {
    const to = added.find((a) => a.deviceId === x.deviceId);
    if (!to) throw fieldError(400, 'body.welcomes', `${x.deviceId} is not among the added devices`);
    await w.tx
      .insert(mlsWelcomes)
      .values({ mlsGroupId: group.id, deviceId: x.deviceId, seq, epoch: group.epoch, welcome: fromB64(x.welcome) });
    // Addressed to the one user whose device it is, on their personal topic.
    w.emit({
      topic: `user:${to.userId}`,
      event: domainEvent('mls.welcome', {
        groupId: group.groupId,
        resourceType: 'mls-group',
        resourceId: group.id,
        data: {
          mlsGroupId: group.id,
          context: group.context,
          deviceId: x.deviceId,
          seq,
          epoch: group.epoch,
          ...(x.welcome.length <= INLINE_LIMIT ? { welcome: x.welcome } : {}),
        },
      }),
      audience: { userId: to.userId },
    });
  }
}

export function announce(
  w: WriteScope,
  group: MlsGroupRow,
  userIds: readonly string[],
  m: { seq: number; epoch: number; kind: 'commit' | 'application'; senderDeviceId: string; message: string },
): void {
  const data = {
    mlsGroupId: group.id,
    seq: m.seq,
    epoch: m.epoch,
    kind: m.kind,
    senderDeviceId: m.senderDeviceId,
    createdAt: new Date().toISOString(),
    ...(m.message.length <= INLINE_LIMIT ? { message: m.message } : {}),
  };
  const event = domainEvent('mls.message', {
    groupId: group.groupId,
    resourceType: 'mls-group',
    resourceId: group.id,
    data,
  });
  for (const userId of new Set(userIds)) w.emit({ topic: `mls:${group.id}`, event, audience: { userId } });
}

/** Stores an application message (ciphertext only) of the current epoch and fans it out to member devices. */
export async function sendApplicationMessage(
  ctx: Ctx,
  actor: ActorFacts,
  scope: MlsScope,
  mlsGroupId: string,
  input: { deviceId: string; epoch: number; message: string },
): Promise<{ seq: number }> {
  const userId = actor.userId!;
  return runWrite(ctx, userId, async (w) => {
    const group = await findMlsGroup(w.tx, mlsGroupId, true);
    if (!group) throw notFound('MLS group');
    await memberDevice(w.tx, mlsGroupId, userId, input.deviceId);
    if (group.epoch !== input.epoch)
      throw conflict('The group has moved to another epoch; process the commits and re-encrypt', {
        epoch: group.epoch,
        lastSeq: group.lastSeq,
      });
    const seq = await nextSeq(w.tx, mlsGroupId);
    await w.tx.insert(mlsMessages).values({
      mlsGroupId,
      seq,
      epoch: input.epoch,
      kind: 'application',
      senderDeviceId: input.deviceId,
      message: fromB64(input.message),
    });
    await w.audit({
      ...auditPlacement(scope, actor),
      action: 'mls.message',
      resourceType: 'mls-group',
      resourceId: mlsGroupId,
      after: { seq, epoch: input.epoch, digest: sha256Hex(input.message) },
    });
    const recipients = await audienceOf(w.tx, scope, await currentMembers(w.tx, mlsGroupId));
    announce(w, group, recipients, {
      seq,
      epoch: input.epoch,
      kind: 'application',
      senderDeviceId: input.deviceId,
      message: input.message,
    });
    return { seq };
  });
}

export const messageDto = (m: typeof mlsMessages.$inferSelect) => ({
  seq: m.seq,
  epoch: m.epoch,
  kind: m.kind,
  senderDeviceId: m.senderDeviceId,
  message: b64(m.message),
  createdAt: m.createdAt.toISOString(),
});
