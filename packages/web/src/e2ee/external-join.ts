// A long-lived thread's device that no member is online to add joins by an external commit (RFC 9420 §12.4.3.2;
// the protocol itself is in @parley/e2ee, mls/external-join.ts), and members keep a GroupInfo of the current epoch
// published so the next such device can. Used by MlsGroupClient when its setup asks for external joins.
import { MlsSession, type VerifyMember } from '@parley/e2ee';
import { fromB64 } from './bytes.js';
import type { DeliveryService } from './delivery.js';
import type { LocalDevice } from './device.js';

/** How long a device waits for a member to add it (an online member does within its 5 s catch-up) before joining. */
export const EXTERNAL_JOIN_WAIT_MS = 6000;

export type ExternalJoinOutcome =
  | { kind: 'joined'; session: MlsSession; seq: number }
  /** Another commit won the epoch, or a member added this device meanwhile: look again. */
  | { kind: 'raced' }
  /** No GroupInfo of the current epoch, or one whose tree this device refuses (a key the device-key log denies). */
  | { kind: 'unavailable' };

export async function joinByExternalCommit(
  ds: DeliveryService,
  groupId: string,
  device: LocalDevice,
  verifyMember: VerifyMember,
): Promise<ExternalJoinOutcome> {
  const published = await ds.groupInfo(groupId);
  if (!published) return { kind: 'unavailable' };
  let joined: Awaited<ReturnType<typeof MlsSession.joinExternal>>;
  try {
    joined = await MlsSession.joinExternal({
      identity: device.identity,
      groupInfo: fromB64(published.groupInfo),
      options: { verifyMember },
    });
  } catch {
    // ts-mls refused the GroupInfo (signature, tree, or a member key the device-key log does not confirm).
    return { kind: 'unavailable' };
  }
  const seq = await ds.externalCommit(groupId, {
    epoch: joined.epoch,
    commit: joined.commit,
    leafIndex: joined.session.ownLeafIndex,
  });
  return seq === null ? { kind: 'raced' } : { kind: 'joined', session: joined.session, seq };
}

/** Publishes the session's current GroupInfo; a group that moved on meanwhile is someone else's to publish. */
export async function publishGroupInfo(ds: DeliveryService, groupId: string, session: MlsSession): Promise<void> {
  if (session.active) await ds.publishGroupInfo(groupId, session.epoch, await session.groupInfo());
}
