// MLS-provisioned keys driving the SFrame layer of this package (src/sframe), end to end.
import { describe, expect, it } from 'vitest';
import { SFrameContext } from '../sframe/index.js';
import { utf8 } from './bytes.js';
import { deriveEpochSenderKeys, parseKid } from './sframe-keys.js';
import { TestGroup, type TestMember } from './test-support/group.js';

async function contextFor(member: TestMember, epochBits = 4): Promise<SFrameContext> {
  const keys = await deriveEpochSenderKeys(member.session, member.session.epoch, epochBits);
  const context = new SFrameContext();
  for (const sender of keys.senders) {
    if (sender.leafIndex === member.session.ownLeafIndex) await context.setSenderKey(sender.kid, sender.baseKey);
    else await context.addReceiverKey(sender.kid, sender.baseKey, { epoch: keys.epoch });
  }
  return context;
}

describe('MLS -> SFrame', () => {
  it('frames protected with one member’s KID decrypt at the others, and not with a removed member’s keys', async () => {
    const group = await TestGroup.create('sa');
    await group.add('sb', 'sa');
    await group.add('sc', 'sa');
    const [sa, sb, sc] = group.members as [TestMember, TestMember, TestMember];

    const frame = await (await contextFor(sa)).protect(utf8('video frame'));
    const received = await (await contextFor(sb)).unprotect(frame);
    expect(new TextDecoder().decode(received.plaintext)).toBe('video frame');
    expect(parseKid(received.kid, 4).leafIndex).toBe(sa.session.ownLeafIndex);

    const oldContextOfC = await contextFor(sc);
    const oldKeysOfC = await deriveEpochSenderKeys(sc.session, sc.session.epoch, 4);
    await group.remove('sc', 'sa');
    const next = await (await contextFor(sa)).protect(utf8('after removal'));
    expect(new TextDecoder().decode((await (await contextFor(sb)).unprotect(next)).plaintext)).toBe('after removal');
    await expect(oldContextOfC.unprotect(next)).rejects.toThrow();
    // Even told the new KID, the removed member only has the old epoch's base key, which does not authenticate.
    const newKid = (await deriveEpochSenderKeys(sa.session, sa.session.epoch, 4)).senders[0]!.kid;
    const guess = new SFrameContext();
    await guess.addReceiverKey(newKid, oldKeysOfC.baseKey);
    await expect(guess.unprotect(next)).rejects.toThrow();
  });
});
