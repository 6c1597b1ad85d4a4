import {
  type ClientState,
  createCommit,
  createProposal,
  defaultCryptoProvider,
  emptyPskIndex,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  makePskIndex,
  processPrivateMessage,
} from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { createDeviceIdentity } from './identity.js';
import { createKeyPackage, decodeKeyPackage, openKeyPackageBundle } from './key-package.js';
import { decodeMlsMessageStrict } from './messages.js';
import { MlsSession } from './session.js';
import { deriveEpochSenderKeys } from './sframe-keys.js';
import { getMlsCipherSuite, MLS_XWING_CIPHER_SUITE } from './suites.js';
import { TestGroup, type TestMember } from './test-support/group.js';

describe('MlsSession with the X-Wing hybrid suite', () => {
  it('runs a three-member group: joins, messages, removal, SFrame keys', async () => {
    const group = await TestGroup.create('xa', MLS_XWING_CIPHER_SUITE);
    await group.add('xb', 'xa');
    await group.add('xc', 'xb');
    const [xa, xb, xc] = group.members as [TestMember, TestMember, TestMember];
    expect(xc.session.cipherSuite).toBe(MLS_XWING_CIPHER_SUITE);
    const msg = await xc.session.encryptApplication(utf8('post-quantum hello'));
    for (const member of [xa, xb]) {
      const incoming = await member.session.processMessage(msg);
      expect(incoming.kind === 'application' && new TextDecoder().decode(incoming.data)).toBe('post-quantum hello');
    }
    const epoch = xa.session.epoch;
    const [ka, kb, kc] = await Promise.all([xa, xb, xc].map((m) => deriveEpochSenderKeys(m.session, epoch)));
    expect(kb).toEqual(ka);
    expect(kc).toEqual(ka);
    await group.remove('xb', 'xc');
    expect(xa.session.epoch).toBe(xc.session.epoch);
    expect(xa.session.epochAuthenticator()).toEqual(xc.session.epochAuthenticator());
    // An X25519 key package cannot be added to an X-Wing group.
    const stranger = await createKeyPackage(await createDeviceIdentity('s', 'd'));
    await expect(xa.session.prepareAdd([stranger.publicBytes])).rejects.toMatchObject({ code: 'BAD_CHANGE' });
  });
});

describe('MlsSession edge cases', () => {
  it('interoperates with ts-mls on its stock WebCrypto provider', async () => {
    const group = await TestGroup.create('ia');
    const ib = await group.add('ib', 'ia');
    const ia = group.get('ia');
    const update = await ia.session.prepareSelfUpdate();
    await update.apply();
    const stock = await getCiphersuiteImpl(getCiphersuiteFromName(ia.session.cipherSuite), defaultCryptoProvider);
    const message = decodeMlsMessageStrict(update.commit);
    if (message.wireformat !== 'mls_private_message') throw new Error('expected a PrivateMessage');
    const state = ib.session.rawState as Parameters<typeof processPrivateMessage>[0];
    const result = await processPrivateMessage(state, message.privateMessage, makePskIndex(state, {}), stock);
    expect(result.newState.keySchedule.epochAuthenticator).toEqual(ia.session.epochAuthenticator());
  });

  it('refuses a Welcome ts-mls 1.6.4 would reject at the joiner, naming the pending joiners', async () => {
    const group = await TestGroup.create('p0');
    for (let i = 1; i < 8; i++) await group.add(`p${i}`, 'p0');
    await group.remove('p1', 'p0');
    await group.remove('p5', 'p0');
    const p2 = group.get('p2');
    await group.deliver(p2, await p2.session.prepareSelfUpdate());
    // q joins at leaf 1 but its path update is lost; then someone else commits.
    const q = await group.add('q', 'p0', { skipPathUpdate: true });
    expect(q.session.needsPathUpdate).toBe(true);
    const p6 = group.get('p6');
    await group.deliver(p6, await p6.session.prepareSelfUpdate());
    const rIdentity = await createDeviceIdentity('user-r', 'dev-r');
    const late = await createKeyPackage(rIdentity);
    const p0 = group.get('p0');
    const epoch = p0.session.epoch;
    // Proof that the refusal is not a false alarm: the same Add made with ts-mls directly yields a Welcome that
    // ts-mls itself rejects at the joiner.
    const impl = await getMlsCipherSuite(p0.session.cipherSuite);
    const raw = await createCommit(
      { state: p0.session.rawState as ClientState, cipherSuite: impl },
      {
        extraProposals: [{ proposalType: 'add', add: { keyPackage: decodeKeyPackage(late.publicBytes) } }],
        ratchetTreeExtension: true,
      },
    );
    const opened = openKeyPackageBundle(late, rIdentity);
    await expect(
      joinGroup(raw.welcome!, opened.publicPackage, opened.privatePackage, emptyPskIndex, impl),
    ).rejects.toThrow(/unmerged_leaves/);
    await expect(p0.session.prepareAdd([late.publicBytes])).rejects.toMatchObject({
      code: 'PENDING_JOINERS',
      leaves: [q.session.ownLeafIndex],
    });
    expect(p0.session.epoch).toBe(epoch);
    expect(p0.session.pendingCommit).toBeUndefined();
    // Once the joiner has committed its update, the add goes through and the Welcome works.
    await group.deliver(q, await q.session.prepareSelfUpdate());
    expect(q.session.needsPathUpdate).toBe(false);
    const add = await p0.session.prepareAdd([late.publicBytes]);
    await group.deliver(p0, add);
    const r = await MlsSession.join({ identity: rIdentity, welcome: add.welcome!, keyPackages: [late] });
    expect(r.session.epoch).toBe(p0.session.epoch);
    // A key package only opens with the device identity that made it.
    const wrongDevice = await createDeviceIdentity('user-r', 'dev-other');
    await expect(
      MlsSession.join({ identity: wrongDevice, welcome: add.welcome!, keyPackages: [late] }),
    ).rejects.toThrow(/device identity/);
  });

  it('keeps an application message from being decrypted twice across a commit applied later', async () => {
    const group = await TestGroup.create('ra');
    await group.add('rb', 'ra');
    const [ra, rb] = group.members as [TestMember, TestMember];
    const pending = await ra.session.prepareSelfUpdate();
    const message = await rb.session.encryptApplication(utf8('in flight'));
    expect((await ra.session.processMessage(message)).kind).toBe('application');
    await group.deliver(ra, pending);
    await expect(ra.session.processMessage(message)).rejects.toThrow();
  });

  it('rejects messages for other groups and future epochs, and members the device-key log refuses', async () => {
    const group = await TestGroup.create('fa');
    await group.add('fb', 'fa');
    const [fa, fb] = group.members as [TestMember, TestMember];
    const lone = await MlsSession.create({ identity: await createDeviceIdentity('z', 'z'), groupId: 'elsewhere' });
    const elsewhere = await lone.encryptApplication(utf8('x'));
    await expect(fa.session.processMessage(elsewhere)).rejects.toMatchObject({ code: 'WRONG_GROUP' });

    const ahead = await fb.session.prepareSelfUpdate();
    await ahead.apply();
    const next = await fb.session.prepareSelfUpdate();
    await expect(fa.session.processMessage(next.commit)).rejects.toMatchObject({ code: 'FUTURE_EPOCH' });

    const guarded = await MlsSession.create({
      identity: await createDeviceIdentity('host', 'h'),
      groupId: 'guarded',
      options: { verifyMember: ({ userId }) => userId !== 'mallory' },
    });
    const mallory = await createKeyPackage(await createDeviceIdentity('mallory', 'm'));
    await expect(guarded.prepareAdd([mallory.publicBytes])).rejects.toThrow();
    expect(guarded.pendingCommit).toBeUndefined();
  });

  it('processes a proposal and commits it by reference', async () => {
    const group = await TestGroup.create('ka');
    await group.add('kb', 'ka');
    await group.add('kc', 'ka');
    const [ka, kb, kc] = group.members as [TestMember, TestMember, TestMember];
    // kb asks to leave with a self-Remove proposal (made with ts-mls directly: the wrapper has no proposal API).
    const impl = await getMlsCipherSuite(kb.session.cipherSuite);
    const proposal = await createProposal(
      kb.session.rawState as ClientState,
      false,
      { proposalType: 'remove', remove: { removed: kb.session.ownLeafIndex } },
      impl,
    );
    const bytes = encodeMlsMessage(proposal.message);
    for (const member of [ka, kc]) {
      expect(await member.session.processMessage(bytes)).toMatchObject({
        kind: 'proposal',
        proposalType: 'remove',
        senderLeafIndex: kb.session.ownLeafIndex,
      });
    }
    // ts-mls refuses application messages while proposals are pending (RFC 9420 §12.2 ordering).
    await expect(ka.session.encryptApplication(utf8('x'))).rejects.toThrow();
    const commit = await ka.session.prepareCommit();
    await commit.apply();
    const seen = await kc.session.processMessage(commit.commit);
    expect(seen).toMatchObject({ kind: 'commit', removed: [{ userId: 'user-kb' }] });
    expect(kc.session.epochAuthenticator()).toEqual(ka.session.epochAuthenticator());
  });

  it('restores the "path update still owed" flag', async () => {
    const group = await TestGroup.create('sa');
    const sb = await group.add('sb', 'sa', { skipPathUpdate: true });
    const restored = await MlsSession.restore(sb.session.serialize());
    expect(restored.needsPathUpdate).toBe(true);
    sb.session = restored;
    await group.deliver(sb, await restored.prepareSelfUpdate());
    expect(restored.needsPathUpdate).toBe(false);
    expect(restored.epochAuthenticator()).toEqual(group.get('sa').session.epochAuthenticator());
  });
});
