import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type JanusService,
  type RoomHandle,
  startJanus,
  VideoRoomErrors,
  type VideoRoomEvent,
  VideoRoomParticipant,
  type VideoRoomPublisher,
} from './index.js';
import { captureLog, eventually, janusInstalled, testJanusOptions } from './test-support/janus.js';

/** The next VideoRoom event of `type` on a publisher handle. */
function nextEvent<T extends VideoRoomEvent['type']>(
  p: VideoRoomPublisher,
  type: T,
): Promise<Extract<VideoRoomEvent, { type: T }>> {
  return new Promise((resolve) => {
    const on = (e: VideoRoomEvent) => {
      if (e.type !== type) return;
      p.off('event', on);
      resolve(e as Extract<VideoRoomEvent, { type: T }>);
    };
    p.on('event', on);
  });
}

describe.skipIf(!janusInstalled)('VideoRoom operations (real Janus)', () => {
  let janus: JanusService;
  let room: RoomHandle;
  const opened: VideoRoomParticipant[] = [];
  const participant = async () => {
    const p = await VideoRoomParticipant.open(janus.client);
    opened.push(p);
    return p;
  };

  beforeAll(async () => {
    janus = await startJanus(testJanusOptions(), captureLog());
    room = await janus.rooms.create({ allowed: ['tok-alice', 'tok-bob'], publishers: 6, notifyJoining: true });
  });
  afterAll(async () => {
    for (const p of opened) await p.close().catch(() => {});
    await janus?.stop();
  });

  it('creates a private E2EE-only room with a token list and audio-level events', async () => {
    expect(room.room).toBeGreaterThan(0);
    expect(Number.isSafeInteger(room.room)).toBe(true);
    expect(await janus.rooms.exists(room.room)).toBe(true);
    const control = await participant();
    const h = await control.publisher();
    const { data } = await h.handle.message<{ list: Record<string, unknown>[] }>({
      request: 'list',
      admin_key: janus.supervisor!.secrets.adminKey,
    });
    const listed = data.list.find((r) => r.room === room.room);
    expect(listed).toMatchObject({
      require_e2ee: true,
      require_pvtid: true,
      is_private: true,
      audiolevel_event: true,
      notify_joining: true,
      max_publishers: 6,
      videocodec: 'vp8',
    });
    // Private rooms stay out of lists for anyone without the admin key.
    const { data: open } = await h.handle.message<{ list: { room: number }[] }>({ request: 'list' });
    expect(open.list.map((r) => r.room)).not.toContain(room.room);
  });

  it('refuses a publisher join with a wrong or missing token and accepts a listed one', async () => {
    const mallory = await (await participant()).publisher();
    await expect(mallory.join({ room: room.room, token: 'tok-guess' })).rejects.toMatchObject({
      kind: 'plugin',
      code: VideoRoomErrors.unauthorized,
    });
    await expect(
      mallory.handle.message({ request: 'join', ptype: 'publisher', room: room.room }),
    ).rejects.toMatchObject({ code: VideoRoomErrors.unauthorized });
    const alice = await (await participant()).publisher();
    const joined = await alice.join({ room: room.room, token: 'tok-alice', display: 'Alice' });
    expect(joined.room).toBe(room.room);
    expect(joined.id).toBeGreaterThan(0);
    expect(joined.privateId).toBeGreaterThan(0);
    const list = await janus.rooms.listParticipants(room.room);
    expect(list).toContainEqual(expect.objectContaining({ id: joined.id, display: 'Alice', publisher: false }));
  });

  it('notifies joins and kicks; a kicked participant is told and removed', async () => {
    const alice = await (await participant()).publisher();
    const a = await alice.join({ room: room.room, token: 'tok-alice', display: 'Alice 2' });
    const bob = await (await participant()).publisher();
    const joining = nextEvent(alice, 'joining');
    const b = await bob.join({ room: room.room, token: 'tok-bob', display: 'Bob' });
    expect(await joining).toMatchObject({ type: 'joining', room: room.room, id: b.id, display: 'Bob' });
    expect(b.attendees).toContainEqual(expect.objectContaining({ id: a.id }));

    const kickedSelf = nextEvent(bob, 'kicked-self');
    const kickedSeen = nextEvent(alice, 'kicked');
    await janus.rooms.kick(room, b.id);
    expect(await kickedSelf).toEqual({ type: 'kicked-self', room: room.room });
    expect(await kickedSeen).toMatchObject({ id: b.id });
    await eventually(async () => !(await janus.rooms.listParticipants(room.room)).some((p) => p.id === b.id));
  });

  it('adds and removes tokens; a removed token can no longer join', async () => {
    expect((await janus.rooms.allow(room, ['tok-carol'])).sort()).toEqual(['tok-alice', 'tok-bob', 'tok-carol']);
    const carol = await (await participant()).publisher();
    const joined = await carol.join({ room: room.room, token: 'tok-carol' });
    await carol.leave();
    expect((await janus.rooms.disallow(room, ['tok-carol'])).sort()).toEqual(['tok-alice', 'tok-bob']);
    const again = await (await participant()).publisher();
    await expect(again.join({ room: room.room, token: 'tok-carol' })).rejects.toMatchObject({
      code: VideoRoomErrors.unauthorized,
    });
    expect(joined.id).toBeGreaterThan(0);
  });

  it('lets only members (by private_id) subscribe, and sends members an offer', async () => {
    // Without media no real feed exists; a placeholder feed makes the subscription reach the private_id check.
    const r = await janus.rooms.create({ allowed: ['tok-erin'], dummyPublisher: true });
    const erin = await (await participant()).publisher();
    const joined = await erin.join({ room: r.room, token: 'tok-erin' });
    const dummy = joined.publishers[0]!;
    expect(dummy).toBeDefined();
    const eve = await (await participant()).subscriber();
    await expect(
      eve.join({ room: r.room, privateId: joined.privateId + 1, streams: [{ feed: dummy.id }] }),
    ).rejects.toMatchObject({ code: VideoRoomErrors.unauthorized });
    const sub = await (await participant()).subscriber();
    const { offer, streams } = await sub.join({
      room: r.room,
      privateId: joined.privateId,
      streams: [{ feed: dummy.id }],
    });
    expect(offer.type).toBe('offer');
    expect(offer.sdp).toContain('m=');
    expect(streams.length).toBeGreaterThan(0);
    await janus.rooms.destroy(r);
  });

  it('refuses room administration without the room secret', async () => {
    const forged = { room: room.room, secret: 'not-the-secret' };
    await expect(janus.rooms.kick(forged, 1)).rejects.toMatchObject({ code: VideoRoomErrors.unauthorized });
    await expect(janus.rooms.allow(forged, ['tok-x'])).rejects.toMatchObject({ code: VideoRoomErrors.unauthorized });
    await expect(janus.rooms.destroy(forged)).rejects.toMatchObject({ code: VideoRoomErrors.unauthorized });
  });

  it('destroys a room and tells its participants', async () => {
    const r = await janus.rooms.create({ allowed: ['tok-dana'] });
    const dana = await (await participant()).publisher();
    await dana.join({ room: r.room, token: 'tok-dana' });
    const destroyed = nextEvent(dana, 'destroyed');
    await janus.rooms.destroy(r);
    expect(await destroyed).toEqual({ type: 'destroyed', room: r.room });
    expect(await janus.rooms.exists(r.room)).toBe(false);
  });

  it('closing a participant session ends their handles', async () => {
    const p = await participant();
    const pub = await p.publisher();
    await pub.join({ room: room.room, token: 'tok-alice' });
    const gone = once(pub, 'gone');
    await p.close();
    await gone;
    expect(pub.handle.alive).toBe(false);
  });
});
