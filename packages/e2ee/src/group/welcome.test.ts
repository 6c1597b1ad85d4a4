import { describe, expect, it } from 'vitest';
import { createDeviceIdentity, createKeyPackage, MlsSession } from '../mls/index.js';
import type { WelcomeEntry } from './delivery.js';
import type { GroupDevice } from './owner.js';
import { toB64 } from './transport.js';
import { WelcomeInbox } from './welcome.js';

const context = 'call:m1';

/** A real Welcome for a fresh device, from a real two-member group. */
async function welcomed(seq: number) {
  const identity = await createDeviceIdentity('user-j', `dev-j-${seq}`);
  const keyPackage = await createKeyPackage(identity);
  const creator = await MlsSession.create({ identity: await createDeviceIdentity('user-a', 'dev-a'), groupId: 'g1' });
  const add = await creator.prepareAdd([keyPackage.publicBytes]);
  await add.apply();
  const device: GroupDevice = {
    identity,
    deviceId: identity.deviceId,
    keyPackages: async () => [keyPackage],
    forgetKeyPackage: async () => {},
    replenish: async () => {},
  };
  const entry: WelcomeEntry = {
    mlsGroupId: 'g1',
    context,
    deviceId: identity.deviceId,
    seq,
    epoch: 1,
    welcome: toB64(add.welcome!),
  };
  return { device, entry, epoch: creator.epoch };
}

const never = () => new Promise<WelcomeEntry[]>(() => {});
const accept = async () => true;

describe('WelcomeInbox (docs/call-keys.md §5.3 item 1)', () => {
  it('joins from a pushed Welcome without waiting for a Welcome list still under way', async () => {
    const { device, entry, epoch } = await welcomed(3);
    const inbox = new WelcomeInbox(context, device, accept);
    const next = inbox.next(undefined, never);
    inbox.push(entry);
    const got = await next;
    expect(got.entry).toBe(entry);
    const joined = got.entry ? await got.join : null;
    expect(joined?.session.epoch).toBe(epoch);
    // The join alone: the path update is still to be prepared, after the keys went out.
    expect(joined?.session.needsPathUpdate).toBe(true);
    expect(inbox.pending).toBe(false);
  });

  it('uses the join already under way when the list returns the Welcome that was pushed', async () => {
    const { device, entry } = await welcomed(4);
    const inbox = new WelcomeInbox(context, device, accept);
    inbox.push(entry);
    const first = await inbox.next({ ...entry }, never);
    expect(first.entry?.seq).toBe(4);
    expect(inbox.pending).toBe(false);
  });

  it('never tries a skipped Welcome again, pushed or listed', async () => {
    const { device, entry } = await welcomed(5);
    const inbox = new WelcomeInbox(context, device, accept);
    inbox.skip(5);
    inbox.push(entry);
    expect(inbox.pending).toBe(false);
    const got = await inbox.next(undefined, async () => [entry, { ...entry, context: 'call:other', seq: 9 }]);
    expect(got.entry).toBeUndefined();
  });

  it('joins with the key packages read before the Welcome came, reading storage no more', async () => {
    const { device, entry, epoch } = await welcomed(6);
    let reads = 0;
    const counted: GroupDevice = {
      ...device,
      keyPackages: () => {
        reads++;
        return device.keyPackages();
      },
    };
    const inbox = new WelcomeInbox(context, counted, accept);
    inbox.preload();
    expect(reads).toBe(1);
    inbox.push(entry);
    const got = await inbox.next(undefined, never);
    expect((got.entry ? await got.join : null)?.session.epoch).toBe(epoch);
    expect(reads).toBe(1);
  });

  it('looks in storage again for a key package uploaded after the early read', async () => {
    const { device, entry, epoch } = await welcomed(7);
    const stored = await device.keyPackages();
    // The early read saw none of them (another tab uploaded the one used since); storage has it.
    let reads = 0;
    const late: GroupDevice = { ...device, keyPackages: async () => (reads++ === 0 ? [] : stored) };
    const inbox = new WelcomeInbox(context, late, accept);
    inbox.preload();
    inbox.push(entry);
    const got = await inbox.next(undefined, never);
    expect((got.entry ? await got.join : null)?.session.epoch).toBe(epoch);
    expect(reads).toBe(2);
  });

  it('takes a Welcome for none of the stored key packages as not for this device', async () => {
    const { device, entry } = await welcomed(8);
    const other = await createKeyPackage(device.identity);
    const inbox = new WelcomeInbox(context, { ...device, keyPackages: async () => [other] }, accept);
    inbox.preload();
    inbox.push(entry);
    const got = await inbox.next(undefined, never);
    expect(got.entry ? await got.join : undefined).toBeNull();
  });
});
