import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from './bytes.js';
import { inspectExternalCommit, inspectGroupInfo } from './external-join.js';
import { createDeviceIdentity } from './identity.js';
import { MlsSession } from './session.js';
import { TestGroup } from './test-support/group.js';

describe('external join (RFC 9420 §12.4.3.2)', () => {
  it('lets a new device commit itself in from a published GroupInfo, and reads only from its own epoch on', async () => {
    const group = await TestGroup.create('alice');
    await group.add('bob', 'alice');
    const alice = group.get('alice').session;
    const before = await alice.encryptApplication(utf8('said before the join'));
    for (const m of group.members) if (m.name !== 'alice') await m.session.processMessage(before);

    const published = await alice.groupInfo();
    expect(inspectGroupInfo(published)).toEqual({ groupId: alice.groupId, epoch: alice.epoch });

    const identity = await createDeviceIdentity('user-alice', 'dev-alice-2');
    const { session, commit, epoch } = await MlsSession.joinExternal({ identity, groupInfo: published });
    expect(epoch).toBe(alice.epoch);
    const info = inspectExternalCommit(commit);
    expect(info.joiner.userId).toBe('user-alice');
    expect(info.joiner.deviceId).toBe('dev-alice-2');
    expect(info.joiner.signaturePublicKey).toEqual(identity.signaturePublicKey);
    expect(info.epoch).toBe(alice.epoch);

    // Every member processes the external commit like any other and sees the new device.
    for (const m of group.members) {
      const got = await m.session.processMessage(commit);
      expect(got.kind).toBe('commit');
      if (got.kind === 'commit') expect(got.added.map((a) => a.deviceId)).toEqual(['dev-alice-2']);
    }
    expect(session.epoch).toBe(alice.epoch);
    expect(session.needsPathUpdate).toBe(false);
    expect(session.epochAuthenticator()).toEqual(alice.epochAuthenticator());

    // Messages both ways in the new epoch.
    const hello = await session.encryptApplication(utf8('from the new device'));
    const got = await group.get('bob').session.processMessage(hello);
    expect(got.kind === 'application' && fromUtf8(got.data)).toBe('from the new device');
    const reply = await alice.encryptApplication(utf8('welcome back'));
    const back = await session.processMessage(reply);
    expect(back.kind === 'application' && fromUtf8(back.data)).toBe('welcome back');
    // The message of the epoch before the join stays unreadable to the joiner.
    await expect(session.processMessage(before)).rejects.toThrow();
  });

  it('is refused by the joiner when a leaf of the published tree fails the device-key check', async () => {
    const group = await TestGroup.create('alice');
    await group.add('bob', 'alice');
    const published = await group.get('alice').session.groupInfo();
    const identity = await createDeviceIdentity('user-carol', 'dev-carol');
    await expect(
      MlsSession.joinExternal({
        identity,
        groupInfo: published,
        options: { verifyMember: (m) => m.deviceId !== 'dev-bob' },
      }),
    ).rejects.toThrow();
  });

  it('tells a member commit from an external one', async () => {
    const group = await TestGroup.create('alice');
    const pending = await group.get('alice').session.prepareSelfUpdate();
    expect(() => inspectExternalCommit(pending.commit)).toThrow(/PublicMessage/);
    await pending.discard();
  });
});
