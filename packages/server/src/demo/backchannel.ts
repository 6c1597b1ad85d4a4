import { randomUUID } from 'node:crypto';
import { mlsContext } from '@parley/protocol';
import type { InjectClient } from '../lib/inject-client.js';
import { MlsDevice } from '../ops/mls-device.js';

/**
 * The quiet re-request of the demo story, written the way a chair's browser writes it: an MLS group for the two
 * chairs' back channel at the Delivery Service, and an application message in the same format as the web client's
 * thread (`{ t: 'msg', id, text }`), so the server holds only its ciphertext. The demo loader's devices live in
 * this process only and are discarded once the message is sent, so nobody can read it any more — exactly what the
 * database of a real deployment would show. Before that, Helena's loader device is revoked and removed, and Amara's
 * publishes the signed GroupInfo of the last epoch (as a browser does after every commit) and leaves: the first
 * chair to open the back channel joins by an external commit (RFC 9420 §12.4.3.2) with nobody online, reads only
 * from its own epoch on, and is asked to commit the Remove of the departed leaf. Amara's loader device stays in the
 * device-key log (revoked, its leaf would fail every joiner's check of the published tree); its private keys are
 * gone with this process.
 */
export async function quietReRequest(
  chairs: { ald: InjectClient; aldUserId: string; bel: InjectClient; belUserId: string },
  groupId: string,
  sideIds: [string, string],
): Promise<{ backChannelRef: string; mlsGroupId: string }> {
  const amara = await MlsDevice.register('Amara (demo loader)', chairs.bel, chairs.belUserId);
  const helena = await MlsDevice.register('Helena (demo loader)', chairs.ald, chairs.aldUserId);
  await helena.uploadKeyPackages(1);
  const context = mlsContext({ kind: 'backchannel', groupId, sideIds });
  const mlsGroupId = await amara.createGroup(context);
  const claim = await chairs.bel.post(`/api/mls/groups/${mlsGroupId}/key-packages/claim`, {
    deviceId: amara.deviceId,
    userId: helena.userId,
  });
  if (claim.statusCode !== 200)
    throw new Error(`demo back channel: claim failed with ${claim.statusCode}: ${claim.body}`);
  const [kp] = claim.json().keyPackages as { keyPackage: string }[];
  const add = await amara.s.prepareAdd([new Uint8Array(Buffer.from(kp!.keyPackage, 'base64'))]);
  const added = await amara.postCommit(mlsGroupId, add, { welcomeTo: [helena] });
  if (added.status !== 201) throw new Error(`demo back channel: Add failed with ${added.status}`);
  await helena.joinFromWelcome(mlsGroupId);
  await amara.sync(mlsGroupId);

  const backChannelRef = randomUUID();
  const say = async (who: MlsDevice, id: string, text: string) => {
    const sent = await who.send(mlsGroupId, JSON.stringify({ t: 'msg', id, text }));
    if (sent.status !== 201) throw new Error(`demo back channel: message failed with ${sent.status}`);
  };
  await say(
    amara,
    backChannelRef,
    'Helena, after tomorrow’s vote we could hold the round by secure video instead of travelling. If your side agrees, we will re-request it officially today. Amara',
  );
  await helena.sync(mlsGroupId);
  await say(helena, randomUUID(), 'Agreed. Video is fine for us; our secretariat will propose a time. Helena');

  // Helena's loader device is revoked (the Delivery Service marks it leaving) and Amara's commits its Remove.
  const revoked = await chairs.ald.post(`/api/devices/${helena.deviceId}/revoke`, {});
  if (revoked.statusCode >= 300) throw new Error(`demo back channel: revoke failed with ${revoked.statusCode}`);
  await amara.sync(mlsGroupId);
  const remove = await amara.s.prepareRemove([
    amara.s.members().find((m) => m.deviceId === helena.deviceId)!.leafIndex,
  ]);
  const removed = await amara.postCommit(mlsGroupId, remove, { removed: [helena] });
  if (removed.status !== 201) throw new Error(`demo back channel: Remove failed with ${removed.status}`);
  // The GroupInfo of the last epoch, so a chair's first device joins by itself; then Amara's loader device leaves.
  const published = await amara.publishGroupInfo(mlsGroupId);
  if (published.status !== 200) throw new Error(`demo back channel: GroupInfo failed with ${published.status}`);
  const left = await chairs.bel.post(`/api/mls/groups/${mlsGroupId}/leave`, { deviceId: amara.deviceId });
  if (left.statusCode !== 200) throw new Error(`demo back channel: leave failed with ${left.statusCode}`);
  return { backChannelRef, mlsGroupId };
}
