// Group builders for bench/mls.bench.ts (kept here because ts-mls resolves only from this package).
//
// Two shapes of tree are compared:
// - populated: built the way Parley builds calls. Each joiner is added by its own commit + Welcome and at once
//   commits a full-path update, so every parent node on its path holds a key and no leaf stays unmerged.
// - blank: raw ts-mls, the creator adds everyone in one commit and nobody updates. Every parent node is blank,
//   so a commit has to encrypt its path secrets to each other leaf separately.
import {
  type CiphersuiteImpl,
  type ClientState,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultCryptoProvider,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  type MLSMessage,
  makePskIndex,
  mlsExporter,
  processPrivateMessage,
} from 'ts-mls';
import { utf8 } from '../bytes.js';
import { createDeviceIdentity } from '../identity.js';
import { createKeyPackage } from '../key-package.js';
import { MlsSession } from '../session.js';
import { MLS_DEFAULT_CIPHER_SUITE, type MlsCipherSuiteName, parleyCryptoProvider } from '../suites.js';

export interface TrackedGroup {
  /** Leaf 0: adds every joiner and processes every joiner's update. */
  creator: MlsSession;
  /** The last joiner: in sync at the end without having processed anything, so it can measure processing. */
  receiver: MlsSession;
  buildMs: number;
}

/**
 * Populated tree of n members built by Parley's join flow (Add + Welcome, then the joiner's full-path update),
 * keeping only the creator in sync. Other joiners only join and commit their update and are then dropped: the
 * measurement needs their effect on the tree, not their device state. That keeps a 200-member build to O(n)
 * commits instead of O(n²) processings.
 */
export async function buildTrackedPopulatedGroup(
  n: number,
  cipherSuite: MlsCipherSuiteName = MLS_DEFAULT_CIPHER_SUITE,
): Promise<TrackedGroup> {
  if (n < 2) throw new Error('need at least two members');
  const started = performance.now();
  const creator = await MlsSession.create({
    identity: await createDeviceIdentity('u0', 'd0'),
    groupId: `bench-${n}`,
    cipherSuite,
  });
  let last: MlsSession | undefined;
  for (let i = 1; i < n; i++) {
    const identity = await createDeviceIdentity(`u${i}`, `d${i}`);
    const keyPackage = await createKeyPackage(identity, { cipherSuite });
    const add = await creator.prepareAdd([keyPackage.publicBytes]);
    await add.apply();
    const joined = await MlsSession.join({ identity, welcome: add.welcome!, keyPackages: [keyPackage] });
    await joined.pathUpdate.apply();
    await creator.processMessage(joined.pathUpdate.commit);
    last = joined.session;
  }
  return { creator, receiver: last!, buildMs: performance.now() - started };
}

/**
 * Populated tree of n members with every member in sync, in one process: the creator adds everyone in one
 * commit, then every even leaf commits a full-path update that all others process. n/2 updates set every parent
 * node (each pair of leaves shares its lowest parent), at half the processing of one-by-one joins.
 */
export async function buildSyncedPopulatedGroup(
  n: number,
  cipherSuite: MlsCipherSuiteName = MLS_DEFAULT_CIPHER_SUITE,
): Promise<{ sessions: MlsSession[]; buildMs: number }> {
  const started = performance.now();
  const creator = await MlsSession.create({
    identity: await createDeviceIdentity('u0', 'd0'),
    groupId: `sync-${n}`,
    cipherSuite,
  });
  const identities = [];
  for (let i = 1; i < n; i++) identities.push(await createDeviceIdentity(`u${i}`, `d${i}`));
  const keyPackages = await Promise.all(identities.map((identity) => createKeyPackage(identity, { cipherSuite })));
  const add = await creator.prepareAdd(keyPackages.map((kp) => kp.publicBytes));
  await add.apply();
  const sessions = [creator];
  for (const [i, identity] of identities.entries()) {
    const joined = await MlsSession.join({ identity, welcome: add.welcome!, keyPackages: [keyPackages[i]!] });
    await joined.pathUpdate.discard(); // redone below, in leaf order
    sessions.push(joined.session);
  }
  for (let leaf = 0; leaf < n; leaf += 2) {
    const committer = sessions[leaf]!;
    const update = await committer.prepareSelfUpdate();
    await update.apply();
    for (const member of sessions) if (member !== committer) await member.processMessage(update.commit);
  }
  return { sessions, buildMs: performance.now() - started };
}

export interface RawBlankGroup {
  impl: CiphersuiteImpl;
  creator: ClientState;
  /** States of the joined members, by leaf index (index 0 unused: that is the creator). */
  joined: ClientState[];
  buildMs: number;
}

/**
 * Raw ts-mls: one add-all commit (no UpdatePath), then `joiners` members join. The stock provider is ts-mls as
 * shipped; 'parley' swaps in our hash/KDF provider, to tell its share of a speed-up from the tree shape's.
 */
export async function buildRawBlankGroup(
  n: number,
  joiners: number,
  provider: 'stock' | 'parley' = 'stock',
): Promise<RawBlankGroup> {
  const started = performance.now();
  const suite = getCiphersuiteFromName(MLS_DEFAULT_CIPHER_SUITE);
  const impl = await getCiphersuiteImpl(suite, provider === 'stock' ? defaultCryptoProvider : parleyCryptoProvider);
  const keyPackage = (name: string) =>
    generateKeyPackage(
      { credentialType: 'basic', identity: utf8(name) },
      defaultCapabilities(),
      defaultLifetime,
      [],
      impl,
    );
  const own = await keyPackage('u0:d0');
  let creator = await createGroup(utf8(`raw-${n}`), own.publicPackage, own.privatePackage, [], impl);
  const others = [];
  for (let i = 1; i < n; i++) others.push(await keyPackage(`u${i}:d${i}`));
  const add = await createCommit(
    { state: creator, cipherSuite: impl },
    { extraProposals: others.map((kp) => ({ proposalType: 'add' as const, add: { keyPackage: kp.publicPackage } })) },
  );
  creator = add.newState;
  const joined: ClientState[] = [];
  for (let i = 1; i <= joiners; i++) {
    const kp = others[i - 1]!;
    joined[i] = await joinGroup(
      add.welcome!,
      kp.publicPackage,
      kp.privatePackage,
      emptyPskIndex,
      impl,
      creator.ratchetTree,
    );
  }
  return { impl, creator, joined, buildMs: performance.now() - started };
}

export interface RawCommit {
  commit: MLSMessage;
  newState: ClientState;
  bytes: Uint8Array;
}

/** The creator removes `leaf`. ts-mls states are immutable, so this can be repeated on the same group. */
export async function rawRemoveCommit(group: RawBlankGroup, leaf: number): Promise<RawCommit> {
  const result = await createCommit(
    { state: group.creator, cipherSuite: group.impl },
    { extraProposals: [{ proposalType: 'remove', remove: { removed: leaf } }] },
  );
  return { commit: result.commit, newState: result.newState, bytes: encodeMlsMessage(result.commit) };
}

export async function rawProcess(group: RawBlankGroup, state: ClientState, commit: MLSMessage): Promise<ClientState> {
  if (commit.wireformat !== 'mls_private_message') throw new Error('expected a PrivateMessage commit');
  const result = await processPrivateMessage(state, commit.privateMessage, makePskIndex(state, {}), group.impl);
  return result.newState;
}

/** RFC 9605 §5.2 base key from a raw state: the raw baseline of "derive new SFrame keys". */
export function rawSframeBaseKey(group: RawBlankGroup, state: ClientState): Promise<Uint8Array> {
  return mlsExporter(state.keySchedule.exporterSecret, 'SFrame 1.0 Base Key', new Uint8Array(), 16, group.impl);
}
