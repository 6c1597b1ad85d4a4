import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { MlsSessionError } from './errors.js';
import { keyFingerprint } from './identity.js';
import { inspectMlsMessage, welcomeRecipients } from './messages.js';
import { safetyCode } from './safety-code.js';
import { MlsSession } from './session.js';
import { deriveEpochSenderKeys, parseKid } from './sframe-keys.js';
import { TestGroup, type TestMember } from './test-support/group.js';
import { treeShape } from './tree.js';

function expectInSync(group: TestGroup): void {
  const [first, ...rest] = group.members;
  const epoch = first!.session.epoch;
  const authenticator = first!.session.epochAuthenticator();
  const roster = first!.session.members().map((m) => `${m.leafIndex}:${m.userId}:${m.deviceId}`);
  for (const member of rest) {
    expect(member.session.epoch).toBe(epoch);
    expect(member.session.epochAuthenticator()).toEqual(authenticator);
    expect(member.session.members().map((m) => `${m.leafIndex}:${m.userId}:${m.deviceId}`)).toEqual(roster);
  }
}

async function roundTrip(group: TestGroup, from: TestMember, text: string): Promise<void> {
  const ciphertext = await from.session.encryptApplication(utf8(text));
  for (const member of group.members) {
    if (member === from) continue;
    const incoming = await member.session.processMessage(ciphertext);
    expect(incoming.kind).toBe('application');
    if (incoming.kind !== 'application') return;
    expect(new TextDecoder().decode(incoming.data)).toBe(text);
    expect(incoming.sender.userId).toBe(from.identity.userId);
    expect(incoming.sender.leafIndex).toBe(from.session.ownLeafIndex);
  }
}

describe('MlsSession: a five-member call', () => {
  let group: TestGroup;
  let removed: TestMember;
  let codeBeforeRemoval: string;

  beforeAll(async () => {
    group = await TestGroup.create('alice');
    for (const [name, by] of [
      ['bob', 'alice'],
      ['carol', 'alice'],
      ['dave', 'bob'],
      ['erin', 'carol'],
    ] as const) {
      const joiner = await group.add(name, by);
      // The joiner's full-path update was applied, so it no longer owes one.
      expect(joiner.session.needsPathUpdate).toBe(false);
      expectInSync(group);
    }
  });

  it('adds via commit + Welcome and joiner updates leave a populated tree', () => {
    expect(group.members).toHaveLength(5);
    // 1 create, 4 × (add + joiner update)
    expect(group.get('alice').session.epoch).toBe(8n);
    const shape = treeShape(group.get('alice').session.rawState.ratchetTree);
    expect(shape.members).toBe(5);
    expect(shape.unmergedEntries).toBe(0);
    const identities = group
      .get('carol')
      .session.members()
      .map((m) => `${m.userId}/${m.deviceId}`);
    expect(identities).toEqual(['alice', 'bob', 'carol', 'dave', 'erin'].map((n) => `user-${n}/dev-${n}`));
    const alice = group.get('alice');
    const seenByDave = group.get('dave').session.member(alice.session.ownLeafIndex)!;
    expect(keyFingerprint(seenByDave.signaturePublicKey)).toBe(keyFingerprint(alice.identity.signaturePublicKey));
  });

  it('round-trips application messages with an authenticated sender', async () => {
    await roundTrip(group, group.get('dave'), 'hello from dave');
    await roundTrip(group, group.get('alice'), 'and from alice');
  });

  it('derives the same SFrame keys and KIDs at every member, and KIDs name their sender', async () => {
    const epoch = group.get('alice').session.epoch;
    const all = await Promise.all(group.members.map((m) => deriveEpochSenderKeys(m.session, epoch, 4)));
    for (const keys of all.slice(1)) expect(keys).toEqual(all[0]);
    for (const sender of all[0]!.senders) {
      const parsed = parseKid(sender.kid, 4);
      expect(parsed.leafIndex).toBe(sender.leafIndex);
      expect(parsed.epochBits).toBe(epoch % 16n);
    }
  });

  it('self-update moves everyone to a new epoch with a new safety code', async () => {
    const before = safetyCode(group.get('alice').session.epochAuthenticator());
    const carol = group.get('carol');
    await group.deliver(carol, await carol.session.prepareSelfUpdate());
    expectInSync(group);
    const codes = new Set(group.members.map((m) => safetyCode(m.session.epochAuthenticator())));
    expect(codes.size).toBe(1);
    expect([...codes][0]).not.toBe(before);
    codeBeforeRemoval = [...codes][0]!;
  });

  it('remove: the removed member learns it, cannot read the next epoch and holds different SFrame keys', async () => {
    const oldEpoch = group.get('erin').session.epoch;
    const erinKeys = await deriveEpochSenderKeys(group.get('erin').session, oldEpoch);
    removed = await group.remove('erin', 'alice');
    expect(removed.session.active).toBe(false);
    expectInSync(group);
    expect(safetyCode(group.get('bob').session.epochAuthenticator())).not.toBe(codeBeforeRemoval);

    const newEpoch = group.get('bob').session.epoch;
    const remainingKeys = await deriveEpochSenderKeys(group.get('bob').session, newEpoch);
    expect(remainingKeys.baseKey).not.toEqual(erinKeys.baseKey);
    await expect(removed.session.exportSecret('SFrame 1.0 Base Key', new Uint8Array(), 16)).rejects.toThrow(
      MlsSessionError,
    );

    const secret = await group.get('bob').session.encryptApplication(utf8('after erin left'));
    await expect(removed.session.processMessage(secret)).rejects.toThrow();
    for (const member of group.members) {
      if (member.name === 'bob') continue;
      const incoming = await member.session.processMessage(secret);
      expect(incoming.kind).toBe('application');
    }
  });

  it('reports membership changes to members processing a commit', async () => {
    const alice = group.get('alice');
    const dave = group.get('dave');
    const pending = await alice.session.prepareRemove([dave.session.ownLeafIndex]);
    await pending.apply();
    const seenByBob = await group.get('bob').session.processMessage(pending.commit);
    expect(seenByBob).toMatchObject({ kind: 'commit', ownCommit: false, removedSelf: false });
    if (seenByBob.kind !== 'commit') return;
    expect(seenByBob.committer?.userId).toBe('user-alice');
    expect(seenByBob.removed.map((m) => m.userId)).toEqual(['user-dave']);
    await group.get('carol').session.processMessage(pending.commit);
    const seenByDave = await dave.session.processMessage(pending.commit);
    expect(seenByDave).toMatchObject({ kind: 'commit', removedSelf: true });
    group.members.splice(group.members.indexOf(dave), 1);
    expectInSync(group);
  });

  it('serialises and restores a session that keeps working', async () => {
    const bob = group.get('bob');
    const restored = await MlsSession.restore(bob.session.serialize());
    expect(restored.epoch).toBe(bob.session.epoch);
    expect(restored.ownLeafIndex).toBe(bob.session.ownLeafIndex);
    expect(restored.epochAuthenticator()).toEqual(bob.session.epochAuthenticator());
    bob.session = restored;
    const carol = group.get('carol');
    await group.deliver(carol, await carol.session.prepareSelfUpdate());
    expectInSync(group);
    await roundTrip(group, bob, 'restored bob speaks');
  });
});

describe('MlsSession: commit races and the Delivery Service', () => {
  it('a loser discards, processes the winner and retries; an echo of our own commit applies it', async () => {
    const group = await TestGroup.create('ann');
    await group.add('ben', 'ann');
    await group.add('cat', 'ben');
    const [ann, ben, cat] = group.members as [TestMember, TestMember, TestMember];
    const epoch = ann.session.epoch;

    const fromAnn = await ann.session.prepareSelfUpdate();
    const fromBen = await ben.session.prepareSelfUpdate();
    expect(inspectMlsMessage(fromAnn.commit)).toMatchObject({ contentType: 'commit', epoch });
    expect(ann.session.epoch).toBe(epoch); // preparing does not advance

    // Server accepts Ann's (first) commit; Ben gets 409: he discards, then processes the winner.
    await fromBen.discard();
    expect(fromBen.status).toBe('discarded');
    expect(ben.session.pendingCommit).toBeUndefined();
    expect(await ben.session.processMessage(fromAnn.commit)).toMatchObject({
      kind: 'commit',
      supersededPendingCommit: false,
    });
    // The DS echoes Ann's commit to everyone, Ann included: for her that means "accepted".
    const echo = await ann.session.processMessage(fromAnn.commit);
    expect(echo).toMatchObject({ kind: 'commit', ownCommit: true, epoch: epoch + 1n });
    await cat.session.processMessage(fromAnn.commit);
    expectInSync(group);

    // A second echo is stale, not an error.
    expect(await ann.session.processMessage(fromAnn.commit)).toMatchObject({ kind: 'stale' });

    const retry = await ben.session.prepareSelfUpdate();
    await group.deliver(ben, retry);
    expectInSync(group);
  });

  it('a winner processed while our commit is pending supersedes it', async () => {
    const group = await TestGroup.create('amy');
    await group.add('bo', 'amy');
    const [amy, bo] = group.members as [TestMember, TestMember];
    const mine = await amy.session.prepareSelfUpdate();
    const theirs = await bo.session.prepareSelfUpdate();
    await theirs.apply();
    const result = await amy.session.processMessage(theirs.commit);
    expect(result).toMatchObject({ kind: 'commit', supersededPendingCommit: true });
    expect(mine.status).toBe('superseded');
    await expect(mine.apply()).rejects.toThrow(MlsSessionError);
    expectInSync(group);
  });

  it('a discarded commit burns its handshake key, and the same epoch can be committed again', async () => {
    const group = await TestGroup.create('ada');
    await group.add('bea', 'ada');
    const [ada] = group.members as [TestMember];
    const first = await ada.session.prepareSelfUpdate();
    await first.discard();
    expect(first.status).toBe('discarded');
    const second = await ada.session.prepareSelfUpdate();
    expect(second.epoch).toBe(first.epoch);
    await group.deliver(ada, second);
    expectInSync(group);
  });

  it('routes Welcomes by key package ref and refuses a Welcome for another device', async () => {
    const group = await TestGroup.create('al');
    const joiner = await group.add('bi', 'al');
    const { createKeyPackage } = await import('./key-package.js');
    const { createDeviceIdentity } = await import('./identity.js');
    const other = await createDeviceIdentity('user-x', 'dev-x');
    const otherKp = await createKeyPackage(other);
    const add = await group.get('al').session.prepareAdd([otherKp.publicBytes]);
    expect(welcomeRecipients(add.welcome!)).toEqual([otherKp.ref]);
    await add.discard();
    const strangerKp = await createKeyPackage(joiner.identity);
    await expect(
      MlsSession.join({ identity: joiner.identity, welcome: add.welcome!, keyPackages: [strangerKp] }),
    ).rejects.toMatchObject({ code: 'NO_KEY_PACKAGE' });
  });
});
