// MlsSession: one device's membership in one call's MLS group (RFC 9420 over ts-mls 1.6.4).
//
// Every state change goes through a promise queue: ts-mls states are immutable values, and two interleaved async
// operations (say a commit being prepared while an application message is decrypted) would otherwise each start
// from the same state and the later write would silently drop the earlier one.
import {
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  createApplicationMessage,
  createGroup,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  encodeMlsMessage,
  type IncomingMessageCallback,
  joinGroup,
  makePskIndex,
  mlsExporter,
  processPrivateMessage,
  processPublicMessage,
  type RatchetTree,
  zeroOutUint8Array,
} from 'ts-mls';
import { decodeRatchetTree, encodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { bytesEqual, utf8 } from './bytes.js';
import { type CommitChanges, type PendingCommit, type PendingCommitImpl, prepareCommit } from './commit.js';
import { MlsSessionError } from './errors.js';
import { buildExternalCommit, createExternalGroupInfo } from './external-join.js';
import { type DeviceIdentity, parleyAuthenticationService, type VerifyMember } from './identity.js';
import { applicationSender, diffMembers, type MlsIncoming } from './incoming.js';
import { createKeyPackage, findWelcomeKeyPackage, type KeyPackageBundle, openKeyPackageBundle } from './key-package.js';
import { decodeMlsMessageStrict } from './messages.js';
import { decodeSessionState, encodeSessionState } from './state-codec.js';
import {
  getMlsCipherSuite,
  isSupportedMlsCipherSuite,
  MLS_DEFAULT_CIPHER_SUITE,
  type MlsCipherSuiteName,
} from './suites.js';
import { listMembers, type MlsMember } from './tree.js';

export interface MlsSessionOptions {
  /** Extra check of every member's credential and key (e.g. against the device-key log). */
  verifyMember?: VerifyMember;
  /**
   * Carry the ratchet tree inside Welcome messages (default true) so a joiner needs nothing else from the server.
   * Costs O(members) bytes per Welcome; with false, send exportRatchetTree() alongside the Welcome instead.
   */
  ratchetTreeInWelcome?: boolean;
}

function clientConfig(options: MlsSessionOptions): ClientConfig {
  return {
    keyRetentionConfig: defaultKeyRetentionConfig,
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService: parleyAuthenticationService(options.verifyMember),
  };
}

export type { MlsIncoming };

export interface WelcomeJoinParams {
  identity: DeviceIdentity;
  welcome: Uint8Array;
  keyPackages: KeyPackageBundle[];
  /** Only needed when the adder did not put the tree in the Welcome. */
  ratchetTree?: Uint8Array;
  options?: MlsSessionOptions;
}

export class MlsSession {
  #state: ClientState;
  readonly #impl: CiphersuiteImpl;
  readonly #options: MlsSessionOptions;
  #needsPathUpdate: boolean;
  #pending: PendingCommitImpl | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(state: ClientState, impl: CiphersuiteImpl, options: MlsSessionOptions, needsPathUpdate: boolean) {
    this.#state = state;
    this.#impl = impl;
    this.#options = options;
    this.#needsPathUpdate = needsPathUpdate;
  }

  /** Creates a new group with this device as its only member (epoch 0). */
  static async create(params: {
    identity: DeviceIdentity;
    groupId: Uint8Array | string;
    cipherSuite?: MlsCipherSuiteName;
    options?: MlsSessionOptions;
  }): Promise<MlsSession> {
    const cipherSuite = params.cipherSuite ?? MLS_DEFAULT_CIPHER_SUITE;
    const options = params.options ?? {};
    const impl = await getMlsCipherSuite(cipherSuite);
    const own = openKeyPackageBundle(await createKeyPackage(params.identity, { cipherSuite }), params.identity);
    const groupId = typeof params.groupId === 'string' ? utf8(params.groupId) : params.groupId;
    const state = await createGroup(groupId, own.publicPackage, own.privatePackage, [], impl, clientConfig(options));
    return new MlsSession(state, impl, options, false);
  }

  /**
   * Joins from a Welcome with whichever stored key package it names, and prepares the full-path update the
   * joiner must commit at once: until it does, its leaf sits in the unmerged_leaves of every ancestor and every
   * later commit has to encrypt to it separately (docs/architecture.md §5.2). Send pathUpdate.commit like any other commit; if
   * the Delivery Service refuses it, discard it, process the winner and call prepareSelfUpdate() again. Delete
   * the used key package (keyPackageRef) from device storage.
   */
  static async join(params: WelcomeJoinParams): Promise<{
    session: MlsSession;
    pathUpdate: PendingCommit;
    keyPackageRef: string;
  }> {
    const { session, keyPackageRef } = await MlsSession.fromWelcome(params);
    return { session, pathUpdate: await session.prepareSelfUpdate(), keyPackageRef };
  }

  /**
   * The join of `join` without preparing the path update: the session holds the epoch's secrets as soon as the
   * Welcome is processed, so a joiner can hand out its keys before spending time on the update (encrypting a path
   * to every member). It still needs that update (`needsPathUpdate`): prepare it with prepareSelfUpdate().
   */
  static async fromWelcome(params: WelcomeJoinParams): Promise<{ session: MlsSession; keyPackageRef: string }> {
    const message = decodeMlsMessageStrict(params.welcome);
    if (message.wireformat !== 'mls_welcome') throw new MlsSessionError('BAD_MESSAGE', 'not an MLS Welcome');
    const welcome = message.welcome;
    if (!isSupportedMlsCipherSuite(welcome.cipherSuite)) {
      throw new MlsSessionError('BAD_MESSAGE', `Welcome uses unsupported cipher suite ${welcome.cipherSuite}`);
    }
    const impl = await getMlsCipherSuite(welcome.cipherSuite);
    const options = params.options ?? {};
    const match = await findWelcomeKeyPackage(welcome, params.keyPackages, params.identity, impl);
    if (match) {
      const tree = params.ratchetTree ? decodeTree(params.ratchetTree) : undefined;
      const state = await joinGroup(
        welcome,
        match.publicPackage,
        match.privatePackage,
        emptyPskIndex,
        impl,
        tree,
        undefined,
        clientConfig(options),
      );
      return { session: new MlsSession(state, impl, options, true), keyPackageRef: match.ref };
    }
    throw new MlsSessionError('NO_KEY_PACKAGE', 'the Welcome is not addressed to any of the given key packages');
  }

  /**
   * Joins by an external commit (RFC 9420 §12.4.3.2, see external-join.ts) from a GroupInfo a member published.
   * The session is already in the new epoch, but it counts only once the Delivery Service has accepted `commit`:
   * on a refusal (409: another commit won the epoch) drop the session and start again from the newer GroupInfo.
   * The joiner's path is in the commit itself, so no path update follows.
   */
  static async joinExternal(params: {
    identity: DeviceIdentity;
    groupInfo: Uint8Array;
    options?: MlsSessionOptions;
  }): Promise<{ session: MlsSession; commit: Uint8Array; epoch: bigint }> {
    const options = params.options ?? {};
    const joined = await buildExternalCommit(params.groupInfo, params.identity, clientConfig(options));
    return {
      session: new MlsSession(joined.state, joined.impl, options, false),
      commit: joined.commit,
      epoch: joined.epoch,
    };
  }

  /** Restores a session from serialize(); options are code (hooks) and must be supplied again. */
  static async restore(bytes: Uint8Array, options: MlsSessionOptions = {}): Promise<MlsSession> {
    const { groupState, flags } = decodeSessionState(bytes);
    const suite = groupState.groupContext.cipherSuite;
    if (!isSupportedMlsCipherSuite(suite)) throw new MlsSessionError('BAD_STATE', `unsupported cipher suite ${suite}`);
    const impl = await getMlsCipherSuite(suite);
    return new MlsSession({ ...groupState, clientConfig: clientConfig(options) }, impl, options, flags.needsPathUpdate);
  }

  /** Serialises the current state (a pending commit is not included: it is either applied first or redone). */
  serialize(): Uint8Array {
    return encodeSessionState(this.#state, { needsPathUpdate: this.#needsPathUpdate });
  }

  get groupId(): Uint8Array {
    return this.#state.groupContext.groupId.slice();
  }

  get epoch(): bigint {
    return this.#state.groupContext.epoch;
  }

  get cipherSuite(): MlsCipherSuiteName {
    return this.#state.groupContext.cipherSuite as MlsCipherSuiteName;
  }

  get ownLeafIndex(): number {
    return this.#state.privatePath.leafIndex;
  }

  /** False once this device has been removed from the group. */
  get active(): boolean {
    return this.#state.groupActiveState.kind === 'active';
  }

  /** True from joining until our own full-path commit has been applied (see join()). */
  get needsPathUpdate(): boolean {
    return this.#needsPathUpdate;
  }

  get pendingCommit(): PendingCommit | undefined {
    return this.#pending;
  }

  members(): MlsMember[] {
    return listMembers(this.#state.ratchetTree);
  }

  memberLeafIndices(): number[] {
    return this.members().map((member) => member.leafIndex);
  }

  member(leafIndex: number): MlsMember | undefined {
    return this.members().find((member) => member.leafIndex === leafIndex);
  }

  /** RFC 9420 epoch_authenticator: equal at every member of the epoch; the safety code is derived from it. */
  epochAuthenticator(): Uint8Array {
    return this.#state.keySchedule.epochAuthenticator.slice();
  }

  /** MLS-Exporter(label, context, length) of the current epoch (RFC 9420 §8.5). */
  async exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    this.#assertActive();
    return await mlsExporter(this.#state.keySchedule.exporterSecret, label, context, length, this.#impl);
  }

  /**
   * The signed GroupInfo of the current epoch with external_pub and the ratchet tree, to publish to the Delivery
   * Service after every epoch so a device of an allowed member can join with nobody online (external-join.ts).
   */
  groupInfo(): Promise<Uint8Array> {
    return this.#exclusive(async () => {
      this.#assertActive();
      return createExternalGroupInfo(this.#state, this.#impl);
    });
  }

  /** The ratchet tree, for sending alongside a Welcome when ratchetTreeInWelcome is false. */
  exportRatchetTree(): Uint8Array {
    return encodeRatchetTree(this.#state.ratchetTree);
  }

  /** The raw ts-mls state, read-only, for diagnostics and benchmarks. */
  get rawState(): Readonly<ClientState> {
    return this.#state;
  }

  prepareCommit(changes: CommitChanges = {}): Promise<PendingCommit> {
    return this.#exclusive(async () => {
      this.#assertActive();
      if (this.#pending) throw new MlsSessionError('PENDING_COMMIT', 'a commit is already waiting for the server');
      const pending = await prepareCommit(
        {
          state: this.#state,
          impl: this.#impl,
          ratchetTreeInWelcome: this.#options.ratchetTreeInWelcome ?? true,
          current: () => this.#state,
          run: <T>(work: () => Promise<T>) => this.#exclusive(work),
          adopt: (state, hadPath) => this.#adoptOwnCommit(state, hadPath),
          replace: (state) => {
            this.#state = state;
          },
          release: (commit) => {
            if (this.#pending === commit) this.#pending = undefined;
          },
        },
        changes,
      );
      this.#pending = pending;
      return pending;
    });
  }

  prepareAdd(keyPackages: Uint8Array[]): Promise<PendingCommit> {
    return this.prepareCommit({ add: keyPackages });
  }

  prepareRemove(leafIndices: number[]): Promise<PendingCommit> {
    return this.prepareCommit({ remove: leafIndices });
  }

  /** An empty commit: refreshes this device's leaf and every key on its path to the root. */
  prepareSelfUpdate(): Promise<PendingCommit> {
    return this.prepareCommit({});
  }

  /** Encrypts an application message (in-call chat, back channel) as an MLS PrivateMessage. */
  encryptApplication(data: Uint8Array, authenticatedData: Uint8Array = new Uint8Array()): Promise<Uint8Array> {
    return this.#exclusive(async () => {
      this.#assertActive();
      const result = await createApplicationMessage(this.#state, data, this.#impl, authenticatedData);
      this.#state = result.newState;
      result.consumed.forEach(zeroOutUint8Array);
      return encodeMlsMessage({
        version: 'mls10',
        wireformat: 'mls_private_message',
        privateMessage: result.privateMessage,
      });
    });
  }

  /** Processes one message from the Delivery Service: a commit, a proposal or an application message. */
  processMessage(bytes: Uint8Array): Promise<MlsIncoming> {
    return this.#exclusive(() => this.#process(bytes));
  }

  async #process(bytes: Uint8Array): Promise<MlsIncoming> {
    const message = decodeMlsMessageStrict(bytes);
    if (message.wireformat !== 'mls_private_message' && message.wireformat !== 'mls_public_message') {
      throw new MlsSessionError('BAD_MESSAGE', `cannot process ${message.wireformat} here`);
    }
    const framing =
      message.wireformat === 'mls_private_message' ? message.privateMessage : message.publicMessage.content;
    if (!bytesEqual(framing.groupId, this.#state.groupContext.groupId)) {
      throw new MlsSessionError('WRONG_GROUP', 'message belongs to another group');
    }
    const before = this.#state;
    const epoch = before.groupContext.epoch;
    if (framing.contentType !== 'application') {
      const pending = this.#pending;
      if (pending && bytesEqual(bytes, pending.commit)) {
        // The Delivery Service echoed our own commit: it was accepted. Processing it would fail (a member never
        // processes its own commit), applying it is what acceptance means.
        const membersBefore = listMembers(before.ratchetTree);
        pending.applyNow();
        return this.#commitSummary(membersBefore, before.privatePath.leafIndex, { ownCommit: true });
      }
      if (framing.epoch < epoch) return { kind: 'stale', epoch: framing.epoch };
      if (framing.epoch > epoch) {
        throw new MlsSessionError('FUTURE_EPOCH', `message is for epoch ${framing.epoch}, we are at ${epoch}`);
      }
      this.#assertActive();
    }

    let committer: number | undefined;
    let proposal: { type: string; sender?: number } | undefined;
    const callback: IncomingMessageCallback = (incoming) => {
      if (incoming.kind === 'commit') committer = incoming.senderLeafIndex;
      else {
        const type = incoming.proposal.proposal.proposalType;
        proposal = { type: String(type), sender: incoming.proposal.senderLeafIndex };
      }
      return 'accept';
    };
    const pskIndex = makePskIndex(before, {});
    let next: ClientState;
    let consumed: Uint8Array[];
    if (message.wireformat === 'mls_private_message') {
      const result = await processPrivateMessage(before, message.privateMessage, pskIndex, this.#impl, callback);
      if (result.kind === 'applicationMessage') {
        const sender = await applicationSender(before, message.privateMessage, this.#impl);
        this.#state = result.newState;
        result.consumed.forEach(zeroOutUint8Array);
        const { epoch: messageEpoch, authenticatedData } = message.privateMessage;
        return { kind: 'application', epoch: messageEpoch, sender, data: result.message, authenticatedData };
      }
      ({ newState: next, consumed } = result);
    } else {
      ({ newState: next, consumed } = await processPublicMessage(
        before,
        message.publicMessage,
        pskIndex,
        this.#impl,
        callback,
      ));
    }

    if (framing.contentType === 'proposal') {
      this.#state = next;
      consumed.forEach(zeroOutUint8Array);
      return { kind: 'proposal', epoch, proposalType: proposal?.type ?? 'unknown', senderLeafIndex: proposal?.sender };
    }
    // Someone else's commit won this epoch: ours can never be accepted now.
    const superseded = this.#pending !== undefined;
    this.#pending?.markSuperseded();
    this.#pending = undefined;
    const membersBefore = listMembers(before.ratchetTree);
    this.#state = next;
    consumed.forEach(zeroOutUint8Array);
    return this.#commitSummary(membersBefore, committer, { ownCommit: false, superseded });
  }

  #commitSummary(
    membersBefore: MlsMember[],
    committerLeaf: number | undefined,
    flags: { ownCommit: boolean; superseded?: boolean },
  ): MlsIncoming {
    const removedSelf = !this.active;
    const { added, removed } = diffMembers(membersBefore, listMembers(this.#state.ratchetTree));
    return {
      kind: 'commit',
      epoch: this.epoch,
      committer: membersBefore.find((member) => member.leafIndex === committerLeaf),
      added,
      removed,
      removedSelf,
      ownCommit: flags.ownCommit,
      supersededPendingCommit: flags.superseded ?? false,
    };
  }

  #adoptOwnCommit(state: ClientState, hadPath: boolean): void {
    this.#state = state;
    if (hadPath) this.#needsPathUpdate = false;
  }

  #assertActive(): void {
    if (!this.active) throw new MlsSessionError('NOT_ACTIVE', 'this device is no longer a member of the group');
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function decodeTree(bytes: Uint8Array): RatchetTree {
  const decoded = decodeRatchetTree(bytes, 0);
  if (!decoded || decoded[1] !== bytes.length) throw new MlsSessionError('BAD_MESSAGE', 'malformed ratchet tree');
  return decoded[0];
}
