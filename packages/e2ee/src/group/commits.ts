// Commits as a member device sends them (docs/call-keys.md §5.2, §6.1): local state only moves when the Delivery
// Service has accepted the commit, and a commit that lost its epoch is thrown away so the next one can be built.
import { type MlsSession, MlsSessionError, type PendingCommit } from '../mls/index.js';
import type { DeliveryService } from './delivery.js';
import { predictLeaves } from './leaves.js';
import type { KeyPackageToAdd } from './owner.js';

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
