// Helpers for turning ts-mls processing results into the facts Parley acts on.
import { type CiphersuiteImpl, type ClientState, type PrivateMessage, zeroOutUint8Array } from 'ts-mls';
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { consumeRatchet } from 'ts-mls/secretTree.js';
import { leafToNodeIndex, toLeafIndex } from 'ts-mls/treemath.js';
import { listMembers, type MlsMember } from './tree.js';

/** What processing one message from the Delivery Service did. */
export type MlsIncoming =
  | { kind: 'application'; epoch: bigint; sender: MlsMember; data: Uint8Array; authenticatedData: Uint8Array }
  | {
      kind: 'commit';
      /** The epoch the group is in after this commit. */
      epoch: bigint;
      committer?: MlsMember;
      added: MlsMember[];
      removed: MlsMember[];
      /** This device was removed: the session is now inactive and learns nothing of the new epoch. */
      removedSelf: boolean;
      /** The Delivery Service echoed our own pending commit back: it was applied, not processed. */
      ownCommit: boolean;
      /** Another member's commit won this epoch, so our pending commit was dropped: prepare it again. */
      supersededPendingCommit: boolean;
    }
  | { kind: 'proposal'; epoch: bigint; proposalType: string; senderLeafIndex?: number }
  /** A handshake message for an epoch we have already left (e.g. the echo of a commit we applied). Ignored. */
  | { kind: 'stale'; epoch: bigint };

/**
 * ts-mls returns an application message's plaintext but not its sender. The sender's leaf index sits in the
 * encrypted sender data; once ts-mls has accepted the message (which verifies the content signature against that
 * very leaf's key), decrypting the sender data again gives an authenticated sender. Uses the key schedule of the
 * message's own epoch, which may be a retained past epoch.
 */
export async function applicationSender(
  state: ClientState,
  message: PrivateMessage,
  impl: CiphersuiteImpl,
): Promise<MlsMember> {
  const past = message.epoch === state.groupContext.epoch ? undefined : state.historicalReceiverData.get(message.epoch);
  const senderDataSecret = past ? past.senderDataSecret : state.keySchedule.senderDataSecret;
  const senderData = await decryptSenderData(message, senderDataSecret, impl);
  if (!senderData) throw new Error('cannot read the sender of an accepted application message');
  const tree = past ? past.ratchetTree : state.ratchetTree;
  const sender = listMembers(tree).find((member) => member.leafIndex === senderData.leafIndex);
  if (!sender) throw new Error(`application message from unknown leaf ${senderData.leafIndex}`);
  return sender;
}

function memberKey(member: MlsMember): string {
  return `${member.leafIndex}\u0000${member.userId}\u0000${member.deviceId}`;
}

/** Membership change across a commit. A leaf whose device stays the same (key update) is neither added nor removed. */
export function diffMembers(before: MlsMember[], after: MlsMember[]): { added: MlsMember[]; removed: MlsMember[] } {
  const beforeKeys = new Set(before.map(memberKey));
  const afterKeys = new Set(after.map(memberKey));
  return {
    added: after.filter((member) => !beforeKeys.has(memberKey(member))),
    removed: before.filter((member) => !afterKeys.has(memberKey(member))),
  };
}

/**
 * Advances our own handshake ratchet by one generation without sending anything. A commit that was created but
 * never accepted consumed that generation's key and nonce; if the same epoch is then committed again, reusing the
 * generation would encrypt a second plaintext under the same AEAD key (only the random reuse_guard would differ).
 * ts-mls has no public call for this, so it uses the secret-tree primitive its own protect() uses.
 */
export async function burnHandshakeGeneration(state: ClientState, impl: CiphersuiteImpl): Promise<ClientState> {
  const node = leafToNodeIndex(toLeafIndex(state.privatePath.leafIndex));
  const burnt = await consumeRatchet(state.secretTree, node, 'commit', impl);
  burnt.consumed.forEach(zeroOutUint8Array);
  return { ...state, secretTree: burnt.newTree };
}
