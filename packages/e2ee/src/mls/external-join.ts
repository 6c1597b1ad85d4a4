// RFC 9420 §12.4.3.2 "Joining via External Commits": a device that no member is online to add commits itself into
// the group from a GroupInfo a member published. The GroupInfo carries the external_pub extension (the HPKE public
// key derived from the epoch's external_secret) and the ratchet tree; the joiner encrypts a fresh init secret to
// that key (the ExternalInit proposal) and sends a PublicMessage commit from sender type new_member_commit whose
// UpdatePath gives it every key on its path. Members process it like any commit; the joiner learns nothing of any
// earlier epoch. ts-mls does the protocol (createGroupInfoWithExternalPubAndRatchetTree, joinGroupExternal); this
// file frames it for Parley and gives the Delivery Service the cleartext facts it checks before accepting one.
import {
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  createGroupInfoWithExternalPubAndRatchetTree,
  encodeMlsMessage,
  joinGroupExternal,
} from 'ts-mls';
import { MlsSessionError } from './errors.js';
import { type DeviceIdentity, type DeviceRef, parseCredential } from './identity.js';
import { createKeyPackage, openKeyPackageBundle } from './key-package.js';
import { decodeMlsMessageStrict } from './messages.js';
import { getMlsCipherSuite, isSupportedMlsCipherSuite } from './suites.js';

/**
 * MLSMessage(GroupInfo) of the current epoch, signed by this member, with external_pub and the ratchet tree. It is
 * public to whoever stores it (the Delivery Service learns the members' credentials and public keys, which it
 * knows anyway) and lets any holder of a device key commit itself in: who may do so is the Delivery Service's and
 * every member's device-key-log check, not a secret.
 */
export async function createExternalGroupInfo(state: ClientState, impl: CiphersuiteImpl): Promise<Uint8Array> {
  const groupInfo = await createGroupInfoWithExternalPubAndRatchetTree(state, [], impl);
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo });
}

export interface ExternalJoin {
  state: ClientState;
  impl: CiphersuiteImpl;
  /** MLSMessage(PublicMessage) commit to send to the Delivery Service. */
  commit: Uint8Array;
  /** The epoch the commit was made in (the GroupInfo's): what the server compares with the group's epoch. */
  epoch: bigint;
}

/**
 * Builds the external commit from a published GroupInfo. ts-mls checks the GroupInfo's signature against its
 * signer's leaf and validates every leaf of the tree through the client's authentication service (so the
 * device-key-log hook refuses a tree with an unknown key). Nothing is sent: if the Delivery Service refuses the
 * commit (another commit won the epoch), throw the result away and start again from the next GroupInfo.
 */
export async function buildExternalCommit(
  groupInfoBytes: Uint8Array,
  identity: DeviceIdentity,
  clientConfig: ClientConfig,
): Promise<ExternalJoin> {
  const message = decodeMlsMessageStrict(groupInfoBytes);
  if (message.wireformat !== 'mls_group_info') throw new MlsSessionError('BAD_MESSAGE', 'not an MLS GroupInfo');
  const { groupInfo } = message;
  const suite = groupInfo.groupContext.cipherSuite;
  if (!isSupportedMlsCipherSuite(suite)) {
    throw new MlsSessionError('BAD_MESSAGE', `GroupInfo uses unsupported cipher suite ${suite}`);
  }
  const impl = await getMlsCipherSuite(suite);
  // A one-off key package: its leaf node becomes ours; nobody else ever sees the init key.
  const own = openKeyPackageBundle(await createKeyPackage(identity, { cipherSuite: suite }), identity);
  const { publicMessage, newState } = await joinGroupExternal(
    groupInfo,
    own.publicPackage,
    own.privatePackage,
    false,
    impl,
    undefined,
    clientConfig,
  );
  const commit = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage });
  return { state: newState, impl, commit, epoch: groupInfo.groupContext.epoch };
}

/** The cleartext facts of a published GroupInfo that the Delivery Service checks before storing it. */
export function inspectGroupInfo(bytes: Uint8Array): { groupId: Uint8Array; epoch: bigint } {
  const message = decodeMlsMessageStrict(bytes);
  if (message.wireformat !== 'mls_group_info') throw new Error('not an MLS GroupInfo');
  const hasExternalPub = message.groupInfo.extensions.some((e) => e.extensionType === 'external_pub');
  if (!hasExternalPub) throw new Error('the GroupInfo has no external_pub extension');
  const { groupId, epoch } = message.groupInfo.groupContext;
  return { groupId, epoch };
}

export interface ExternalCommitInfo {
  groupId: Uint8Array;
  epoch: bigint;
  /** Who the commit brings in: the credential and key of the new leaf in its UpdatePath. */
  joiner: DeviceRef & { signaturePublicKey: Uint8Array };
}

/**
 * What an external commit says in the clear (it is a PublicMessage by construction, §12.4.3.2): the group, the
 * epoch, and the joiner's leaf. The Delivery Service compares the leaf with the device-key log before accepting it;
 * members verify the signature and the rest when they process it. Throws for anything that is not an external
 * commit.
 */
export function inspectExternalCommit(bytes: Uint8Array): ExternalCommitInfo {
  const message = decodeMlsMessageStrict(bytes);
  if (message.wireformat !== 'mls_public_message') throw new Error('an external commit is an MLS PublicMessage');
  const content = message.publicMessage.content;
  if (content.sender.senderType !== 'new_member_commit' || content.contentType !== 'commit') {
    throw new Error('not an external commit (sender must be new_member_commit)');
  }
  const proposals = content.commit.proposals;
  const inits = proposals.filter(
    (p) => p.proposalOrRefType === 'proposal' && p.proposal.proposalType === 'external_init',
  );
  // Parley never resyncs (a lost device comes back as a new device), so the commit holds exactly the ExternalInit.
  if (inits.length !== 1 || proposals.length !== 1)
    throw new Error('an external commit must hold one ExternalInit only');
  const leaf = content.commit.path?.leafNode;
  if (!leaf) throw new Error('an external commit must carry an UpdatePath');
  const ref = parseCredential(leaf.credential);
  if (!ref) throw new Error('the joining leaf does not carry a Parley device credential');
  return {
    groupId: content.groupId,
    epoch: content.epoch,
    joiner: { ...ref, signaturePublicKey: leaf.signaturePublicKey },
  };
}
