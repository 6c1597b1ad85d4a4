// Commits that wait for the Delivery Service. The server accepts exactly one commit per epoch, so creating a commit
// must not move local state: the new state is held aside until the server says yes (apply) or no (discard).
import {
  type CiphersuiteImpl,
  type ClientState,
  type CreateCommitResult,
  createCommit,
  encodeMlsMessage,
  type Proposal,
  zeroOutUint8Array,
} from 'ts-mls';
import { bytesEqual } from './bytes.js';
import { MlsSessionError } from './errors.js';
import { burnHandshakeGeneration } from './incoming.js';
import { decodeKeyPackage } from './key-package.js';
import { listMembers, unmergedLeavesBlockingJoin } from './tree.js';

export interface CommitChanges {
  /** MLSMessage(KeyPackage) bytes of the devices to add; the commit then comes with a Welcome for them. */
  add?: Uint8Array[];
  /** Leaf indices to remove. */
  remove?: number[];
}

export type PendingCommitStatus = 'pending' | 'applied' | 'discarded' | 'superseded';

export interface PendingCommit {
  /** MLSMessage (PrivateMessage, content type commit) to send to the Delivery Service. */
  readonly commit: Uint8Array;
  /** MLSMessage(Welcome) for the added devices, to hand out only once the commit is accepted. */
  readonly welcome: Uint8Array | undefined;
  /** The epoch this commit was made in: what the server compares with the group's current epoch. */
  readonly epoch: bigint;
  /** The epoch the group enters when the commit is applied. */
  readonly newEpoch: bigint;
  readonly status: PendingCommitStatus;
  /** The server accepted the commit: move to the new epoch. */
  apply(): Promise<void>;
  /**
   * The server refused the commit (e.g. 409: another commit won the epoch). Local state stays in the old epoch;
   * process the winning commit, then prepare again. A no-op if the commit was already superseded.
   */
  discard(): Promise<void>;
}

/** What a pending commit needs from its session. All callbacks run inside the session's queue. */
export interface CommitHost {
  state: ClientState;
  impl: CiphersuiteImpl;
  ratchetTreeInWelcome: boolean;
  current(): ClientState;
  run<T>(work: () => Promise<T>): Promise<T>;
  adopt(state: ClientState, hadPath: boolean): void;
  replace(state: ClientState): void;
  release(commit: PendingCommit): void;
}

function buildProposals(state: ClientState, changes: CommitChanges): Proposal[] {
  const proposals: Proposal[] = [];
  const own = state.privatePath.leafIndex;
  const present = new Set(listMembers(state.ratchetTree).map((member) => member.leafIndex));
  for (const leaf of new Set(changes.remove ?? [])) {
    if (leaf === own) throw new MlsSessionError('BAD_CHANGE', 'a member cannot commit its own removal');
    if (!present.has(leaf)) throw new MlsSessionError('BAD_CHANGE', `no member at leaf ${leaf}`);
    proposals.push({ proposalType: 'remove', remove: { removed: leaf } });
  }
  for (const bytes of changes.add ?? []) {
    const keyPackage = decodeKeyPackage(bytes);
    if (keyPackage.cipherSuite !== state.groupContext.cipherSuite) {
      throw new MlsSessionError('BAD_CHANGE', `key package is for ${keyPackage.cipherSuite}, the group uses another`);
    }
    proposals.push({ proposalType: 'add', add: { keyPackage } });
  }
  return proposals;
}

export async function prepareCommit(host: CommitHost, changes: CommitChanges): Promise<PendingCommitImpl> {
  const proposals = buildProposals(host.state, changes);
  const adds = changes.add?.length ?? 0;
  const result = await createCommit(
    { state: host.state, cipherSuite: host.impl },
    { extraProposals: proposals, ratchetTreeExtension: adds > 0 && host.ratchetTreeInWelcome },
  );
  const pending = new PendingCommitImpl(host, result);
  if (result.welcome) {
    const blocking = unmergedLeavesBlockingJoin(result.newState.ratchetTree);
    if (blocking.length > 0) {
      // The Welcome would be refused by ts-mls at the joiner (see tree.ts); don't let anyone send it.
      await pending.discardNow();
      throw new MlsSessionError(
        'PENDING_JOINERS',
        `leaves ${blocking.join(', ')} have not committed their path update yet; add new members after they have`,
        blocking,
      );
    }
  }
  return pending;
}

export class PendingCommitImpl implements PendingCommit {
  readonly commit: Uint8Array;
  readonly welcome: Uint8Array | undefined;
  readonly epoch: bigint;
  readonly newEpoch: bigint;
  #status: PendingCommitStatus = 'pending';
  readonly #host: CommitHost;
  readonly #result: CreateCommitResult;
  readonly #hadPath: boolean;

  constructor(host: CommitHost, result: CreateCommitResult) {
    this.#host = host;
    this.#result = result;
    this.commit = encodeMlsMessage(result.commit);
    this.welcome = result.welcome
      ? encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome })
      : undefined;
    this.epoch = host.state.groupContext.epoch;
    this.newEpoch = result.newState.groupContext.epoch;
    // ts-mls adds an UpdatePath to every commit except add-only ones (RFC 9420 §12.4 makes it optional there);
    // a path always gives our leaf a fresh HPKE key, which is how we tell without decrypting our own commit.
    const own = host.state.privatePath.leafIndex * 2;
    const before = host.state.ratchetTree[own];
    const after = result.newState.ratchetTree[own];
    this.#hadPath =
      before?.nodeType === 'leaf' &&
      after?.nodeType === 'leaf' &&
      !bytesEqual(before.leaf.hpkePublicKey, after.leaf.hpkePublicKey);
  }

  get status(): PendingCommitStatus {
    return this.#status;
  }

  apply(): Promise<void> {
    return this.#host.run(async () => this.applyNow());
  }

  discard(): Promise<void> {
    return this.#host.run(() => this.discardNow());
  }

  /** Runs inside the session queue. */
  applyNow(): void {
    if (this.#status !== 'pending') {
      throw new MlsSessionError('COMMIT_NOT_PENDING', `cannot apply a commit that is ${this.#status}`);
    }
    const basis = this.#host.state;
    let next = this.#result.newState;
    const current = this.#host.current();
    if (current !== basis) {
      // Application messages were sent or received in the old epoch after the commit was prepared. Keep the newer
      // secret tree for that epoch so an already-decrypted message cannot be decrypted (replayed) a second time.
      const retained = new Map(next.historicalReceiverData);
      const entry = retained.get(basis.groupContext.epoch);
      if (entry) retained.set(basis.groupContext.epoch, { ...entry, secretTree: current.secretTree });
      next = { ...next, historicalReceiverData: retained };
    }
    this.#host.adopt(next, this.#hadPath);
    // Only now are the old epoch's init secret and the commit's handshake key truly unneeded.
    this.#result.consumed.forEach(zeroOutUint8Array);
    this.#status = 'applied';
    this.#host.release(this);
  }

  /** Runs inside the session queue. */
  async discardNow(): Promise<void> {
    if (this.#status !== 'pending') return;
    this.#status = 'discarded';
    this.#host.release(this);
    // The consumed values still belong to the old epoch's state: do not zero them. Only retire the handshake
    // generation the commit used, in case this epoch is committed again.
    this.#host.replace(await burnHandshakeGeneration(this.#host.current(), this.#host.impl));
  }

  /** Another commit won the epoch; ours is dead, and the epoch moves on, so nothing needs burning. */
  markSuperseded(): void {
    if (this.#status === 'pending') this.#status = 'superseded';
  }
}
