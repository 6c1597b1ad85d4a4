import { randomUUID } from 'node:crypto';
import { fromB64, type MlsGroupClient, type MlsGroupOwner } from '@parley/e2ee';
import { mlsContext } from '@parley/protocol';
import type { AppContext } from '../context.js';
import type { InjectClient } from '../lib/inject-client.js';
import { HubEvents } from '../ops/hub-events.js';
import { MlsDevice } from '../ops/mls-device.js';

/**
 * The quiet re-request of the demo story, written the way a chair's browser writes it (the same MLS group client,
 * its events from the server's hub): an MLS group for the two
 * chairs' back channel at the Delivery Service, and an application message in the same format as the web client's
 * thread (`{ t: 'msg', id, text }`), so the server holds only its ciphertext. The demo loader's devices live in
 * this process only and are discarded once the message is sent, so nobody can read it any more — exactly what the
 * database of a real deployment would show. Before that, Helena's loader device is revoked and removed, and Amara's
 * publishes the signed GroupInfo of the last epoch (as a browser does after every commit) and leaves: the first
 * chair to open the back channel joins by an external commit (RFC 9420 §12.4.3.2) with nobody online, reads only
 * from its own epoch on, and is asked to commit the Remove of the departed leaf (docs/call-keys.md §6.1 item 3).
 * Amara's loader device stays active in the device-key log (revoked, its leaf would fail every joiner's check of the
 * published tree until that Remove); its private keys are gone with this process.
 */
export async function quietReRequest(
  ctx: AppContext,
  chairs: { ald: InjectClient; aldUserId: string; bel: InjectClient; belUserId: string },
  groupId: string,
  sideIds: [string, string],
): Promise<{ backChannelRef: string; mlsGroupId: string }> {
  const amara = await MlsDevice.register('Amara (demo loader)', chairs.bel, chairs.belUserId);
  const helena = await MlsDevice.register('Helena (demo loader)', chairs.ald, chairs.aldUserId);
  await helena.uploadKeyPackages(1);
  const context = mlsContext({ kind: 'backchannel', groupId, sideIds });
  const events = [new HubEvents(ctx, amara.userId), new HubEvents(ctx, helena.userId)] as const;
  let removalDone: () => void = () => undefined;
  const removal = new Promise<void>((resolve) => {
    removalDone = resolve;
  });
  // Amara's device creates the thread and adds Helena's (whose Welcome waits for it); after every commit it
  // publishes the epoch's GroupInfo, as a browser does (docs/call-keys.md §9).
  const a = amara.group(
    { context, ws: events[0], externalJoin: true },
    demoOwner(() => a, helena, removalDone),
  );
  const h = helena.group(
    { context, ws: events[1], externalJoin: true },
    demoOwner(() => h),
  );
  try {
    await a.start();
    await h.start();
    if (a.phase !== 'ready' || h.phase !== 'ready' || !a.groupId)
      throw new Error(`demo back channel: not keyed (${a.error ?? h.error})`);
    const backChannelRef = randomUUID();
    const say = (who: MlsGroupClient, id: string, text: string) =>
      who.run(() => who.send(new TextEncoder().encode(JSON.stringify({ t: 'msg', id, text }))));
    await say(
      a,
      backChannelRef,
      'Helena, after tomorrow’s vote we could hold the round by secure video instead of travelling. If your side agrees, we will re-request it officially today. Amara',
    );
    await say(h, randomUUID(), 'Agreed. Video is fine for us; our secretariat will propose a time. Helena');

    // Helena's loader device is revoked: the Delivery Service marks it leaving and nominates Amara's to commit its
    // Remove (§6.1), which then publishes the last epoch's GroupInfo, so a chair's first device joins by itself.
    h.close();
    const revoked = await chairs.ald.post(`/api/devices/${helena.deviceId}/revoke`, {});
    if (revoked.statusCode >= 300) throw new Error(`demo back channel: revoke failed with ${revoked.statusCode}`);
    await Promise.race([
      removal,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('demo back channel: the Remove was not committed')), 30_000).unref(),
      ),
    ]);
    const mlsGroupId = a.groupId;
    // Then Amara's loader device leaves.
    await a.leave('the demo loader is done');
    return { backChannelRef, mlsGroupId };
  } finally {
    a.close();
    h.close();
    for (const e of events) e.close();
  }
}

/** What the loader's devices do in the thread: Amara's adds Helena's; both keep their session in memory. */
function demoOwner(client: () => MlsGroupClient, add?: MlsDevice, removalDone?: () => void): MlsGroupOwner {
  const save = () => client().saveSession();
  const settle = async () => {
    await save();
    await client().maybeAdd();
  };
  return {
    changed: () => undefined,
    persist: save,
    created: settle,
    joined: settle,
    caughtUp: settle,
    added: save,
    application: () => undefined,
    removalsDone: async () => {
      await save();
      removalDone?.();
    },
    toAdd: async (session, groupId) => {
      if (!add || session.members().some((m) => m.deviceId === add.deviceId)) return [];
      const claimed = await client().ds.claim(groupId, add.userId);
      const kp = claimed.find((k) => k.deviceId === add.deviceId);
      return kp ? [{ deviceId: kp.deviceId, keyPackage: fromB64(kp.keyPackage) }] : [];
    },
  };
}
