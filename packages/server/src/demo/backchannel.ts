import { randomUUID } from 'node:crypto';
import type { InjectClient } from '../lib/inject-client.js';
import { MlsDevice } from '../ops/mls-device.js';

/**
 * The quiet re-request of the demo story, written the way a chair's browser writes it: an MLS group for the two
 * chairs' back channel at the Delivery Service, and an application message in the same format as the web client's
 * thread (`{ t: 'msg', id, text }`), so the server holds only its ciphertext. The demo loader's devices live in
 * this process only: once the message is sent they leave and are revoked, so nobody can read it any more — exactly
 * what the database of a real deployment would show. They never publish a GroupInfo, so no device can join this
 * group by an external commit: the first chair to open the back channel starts it anew (a chair's decision, see the
 * keys module's mls-external.ts), the other chair's device then joins by itself, and the message above stays
 * stored, unreadable.
 */
export async function quietReRequest(
  chairs: { ald: InjectClient; aldUserId: string; bel: InjectClient; belUserId: string },
  groupId: string,
  sideIds: [string, string],
): Promise<{ backChannelRef: string; mlsGroupId: string }> {
  const amara = await MlsDevice.register('Amara (demo loader)', chairs.bel, chairs.belUserId);
  const helena = await MlsDevice.register('Helena (demo loader)', chairs.ald, chairs.aldUserId);
  await helena.uploadKeyPackages(1);
  const context = `backchannel:${groupId}:${[...sideIds].sort().join(':')}`;
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

  for (const [device, client] of [
    [amara, chairs.bel],
    [helena, chairs.ald],
  ] as const) {
    const revoked = await client.post(`/api/devices/${device.deviceId}/revoke`, {});
    if (revoked.statusCode >= 300) throw new Error(`demo back channel: revoke failed with ${revoked.statusCode}`);
  }
  return { backChannelRef, mlsGroupId };
}
