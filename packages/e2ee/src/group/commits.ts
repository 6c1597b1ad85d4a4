// Commits as a member device sends them (docs/call-keys.md §5.2, §6.1): local state only moves when the Delivery
// Service has accepted the commit, and a commit that lost its epoch is thrown away so the next one can be built.
import { type MlsSession, MlsSessionError, type PendingCommit } from '../mls/index.js';
import type { DeliveryService } from './delivery.js';
import { predictLeaves } from './leaves.js';
import type { KeyPackageToAdd, MlsGroupOwner, MlsGroupSetup } from './owner.js';

export interface CommitChange {
  added?: { deviceId: string; leafIndex: number }[];
  removed?: string[];
}

/** Sends a prepared commit; applies it on 201 (true), discards it on 409 (false: catch up and try again). */
export async function postCommit(
  ds: DeliveryService,
  groupId: string,
  pending: PendingCommit,
  change: CommitChange = {},
): Promise<boolean> {
  let ok: boolean;
  try {
    ok = await ds.commit(groupId, {
      epoch: pending.epoch,
      commit: pending.commit,
      ...(pending.welcome ? { welcome: pending.welcome } : {}),
      ...change,
    });
  } catch (error) {
    // Refused (or unanswered): never leave a pending commit blocking the next one. Its handshake key is burnt.
    await pending.discard();
    throw error;
  }
  if (ok) await pending.apply();
  else await pending.discard();
  return ok;
}

/**
 * An Add commit of `packages` with the leaves it gives them; null while earlier joiners have not committed their
 * path update yet (their commit will trigger another look, §5.3).
 */
export async function prepareAdds(
  session: MlsSession,
  packages: readonly KeyPackageToAdd[],
): Promise<{ pending: PendingCommit; change: CommitChange } | null> {
  try {
    const pending = await session.prepareAdd(packages.map((p) => p.keyPackage));
    const added = predictLeaves(
      session.members(),
      packages.map((p) => p.deviceId),
    );
    return { pending, change: { added } };
  } catch (error) {
    if (error instanceof MlsSessionError && error.code === 'PENDING_JOINERS') return null;
    throw error;
  }
}

/** The nominated Remove (§6.1) of those of `deviceIds` still in the group; null when none is. */
export async function prepareRemovals(
  session: MlsSession,
  deviceIds: readonly string[],
): Promise<{ pending: PendingCommit; change: CommitChange } | null> {
  const leaves = session
    .members()
    .filter((m) => deviceIds.includes(m.deviceId) && m.leafIndex !== session.ownLeafIndex);
  if (leaves.length === 0) return null;
  const pending = await session.prepareRemove(leaves.map((m) => m.leafIndex));
  return { pending, change: { removed: leaves.map((m) => m.deviceId) } };
}

/** What the commits below need of the group client (client.ts); all of them run inside its queue. */
export interface CommitScope {
  readonly session: MlsSession | undefined;
  readonly groupId: string | undefined;
  readonly owner: MlsGroupOwner;
  readonly ds: DeliveryService;
  readonly text: MlsGroupSetup['text'];
  /** postCommit, then what the client does after an accepted commit (a thread's GroupInfo, §9). */
  post(pending: PendingCommit, change?: CommitChange): Promise<boolean>;
  catchUp(): Promise<void>;
  trace(what: string): void;
}

/**
 * Moves the group to an epoch this device has never sent under, by committing an update of its own leaf (or by
 * taking another member's commit that won the race). True once the epoch differs from the one it started in (§8.3).
 */
export async function renewEpoch(g: CommitScope): Promise<boolean> {
  const from = g.session?.epoch;
  for (let attempt = 0; attempt < 5; attempt++) {
    const session = g.session;
    if (!session?.active || !g.groupId) return false;
    if (session.epoch !== from) return true;
    if (!session.pendingCommit && (await g.post(await session.prepareSelfUpdate()))) return true;
    await g.catchUp();
  }
  return g.session?.active === true && g.session.epoch !== from;
}

/**
 * Adds the devices the owner names (who adds whom and when is the owner's rule, §5.2). Losing a race (409) means
 * processing the winner's commit; the owner is asked again after it.
 */
export async function maybeAdd(g: CommitScope): Promise<void> {
  const session = g.session;
  if (!session?.active || !g.groupId || session.pendingCommit || session.needsPathUpdate) return;
  const packages = await g.owner.toAdd(session, g.groupId);
  if (packages.length === 0) return;
  g.trace(`adding ${packages.map((p) => p.deviceId.slice(0, 8)).join(', ')}`);
  const add = await prepareAdds(session, packages);
  if (!add) return g.trace('add deferred: an earlier joiner has not committed its path update');
  g.trace('Add prepared, sending it');
  if (await g.post(add.pending, add.change)) await g.owner.added();
  else await g.catchUp();
}

/**
 * Nominated by the server (§6.1): commit the Remove of the leaving devices now, so they lose the group's keys. A nomination holds for its epoch only (§6.2 item 6): once any commit has moved
 * the group on, the server has nominated again if removals are still due, and a device named in the old one may
 * since have been added back.
 */
export async function commitRemovals(g: CommitScope, deviceIds: string[], epoch: number): Promise<void> {
  await g.catchUp();
  const session = g.session;
  if (!session?.active) return;
  if (session.epoch !== BigInt(epoch))
    return g.trace(`nomination for epoch ${epoch} is stale (the group is at ${session.epoch})`);
  const removal = await prepareRemovals(session, deviceIds);
  g.trace(
    `nominated to remove ${deviceIds.map((d) => d.slice(0, 8)).join(', ')}: ${removal ? 'committing' : 'none left'}`,
  );
  if (!removal) return;
  const ok = await g.post(removal.pending, removal.change);
  if (!ok) await g.catchUp();
  await g.owner.removalsDone(ok);
}

/** Encrypts and posts an application message; re-encrypts if a commit overtook it (§7.1). */
export async function sendApplication(g: CommitScope, data: Uint8Array): Promise<{ seq: number; epoch: bigint }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const session = g.session;
    if (!session?.active || !g.groupId) throw new Error(g.text.notInGroup);
    const epoch = session.epoch;
    const message = await session.encryptApplication(data);
    await g.owner.persist();
    const seq = await g.ds.send(g.groupId, epoch, message);
    if (seq !== null) return { seq, epoch };
    await g.catchUp();
  }
  throw new Error(g.text.keysChanging);
}
