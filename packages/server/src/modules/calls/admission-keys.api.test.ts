import { mlsContext, verifyDeviceChain } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusInstalled } from '../../janus/test-support/janus.js';
import { callHarness, type Harness, registerDevice } from './test-support/harness.js';

// docs/call-keys.md §5.2 item 4: the call manager claims the joiner's key package at admission, and the first roster
// that lists the joiner carries it with the joiner's device-key log, so the member who commits the Add needs no claim
// and no log fetch before it.
describe.skipIf(!janusInstalled)('a key package claimed at admission (real Janus)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await callHarness();
  });
  afterAll(() => h?.close());

  const stock = async (persona: 'chairB', deviceId: string) =>
    (await (await h.http(persona)).get('/api/devices'))
      .json()
      .devices.find((d: { deviceId: string }) => d.deviceId === deviceId).keyPackages as number;

  it('rides once in the roster, from the stock of the device the joiner names', async () => {
    const id = await h.meeting();
    await h.startCall(id);
    const asChairA = await h.http('chairA');
    const chairDevice = await registerDevice(asChairA, h.w.users.chairA.id);
    const a = await h.connect('chairA', id);
    a.send({ type: 'call.join', deviceId: chairDevice });
    await a.next('call.joined');
    const context = mlsContext({ kind: 'call', meetingId: id });
    expect((await asChairA.post('/api/mls/groups', { context, deviceId: chairDevice })).statusCode).toBe(201);

    const asChairB = await h.http('chairB');
    const joinerDevice = await registerDevice(asChairB, h.w.users.chairB.id);
    const packages = ['a2V5LXBhY2thZ2UtMQ==', 'a2V5LXBhY2thZ2UtMg=='];
    const upload = await asChairB.post(`/api/devices/${joinerDevice}/key-packages`, {
      keyPackages: packages,
      lastResort: 'bGFzdC1yZXNvcnQ=',
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const fromA = a.mark();
    const b = await h.connect('chairB', id);
    b.send({ type: 'call.join', deviceId: joinerDevice });
    await b.next('call.joined');
    const seen = await a.state((s) => s.participants.some((p) => p.deviceId === joinerDevice), fromA);
    const entry = seen.participants.find((p) => p.deviceId === joinerDevice)!;
    expect(packages).toContain(entry.keyPackage);
    // With it, the joiner's device-key log as the log route serves it: the adder checks the package without a fetch.
    const log = (await asChairA.get(`/api/devices/log?userIds=${h.w.users.chairB.id}`)).json().chains[0].entries;
    expect(entry.deviceLog).toEqual(log);
    const verified = await verifyDeviceChain(h.w.users.chairB.id, entry.deviceLog ?? []);
    expect(verified.ok && verified.active.has(joinerDevice)).toBe(true);
    // Handed out: the member who adds the joiner will not be given the same one-time package by a claim.
    expect(await stock('chairB', joinerDevice)).toBe(1);
    // Only once: the next roster (any change) no longer carries it.
    const next = a.mark();
    b.send({ type: 'call.media-state', audio: true, video: false });
    const later = await a.state((s) => s.participants.some((p) => p.deviceId === joinerDevice && p.audio), next);
    expect(later.participants.every((p) => p.keyPackage === undefined && p.deviceLog === undefined)).toBe(true);
    // The chair's own device, the group's creator and so a member, was claimed for by nobody.
    const chair = seen.participants.find((p) => p.deviceId === chairDevice);
    expect(chair?.keyPackage ?? chair?.deviceLog).toBeUndefined();
  });
});
