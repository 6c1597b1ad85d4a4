import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeHeader } from '../packages/e2ee/src/sframe/header.js';
import { type Jsep, VideoRoomParticipant } from '../packages/server/src/janus/index.js';
import { callManagerOf } from '../packages/server/src/modules/calls/index.js';
import { axeViolations, formatViolations } from './support/axe.js';
import { launchChromium, screenshot } from './support/browser.js';
import {
  type CallPage,
  type CallSeat,
  callSeat,
  createVideoMeeting,
  idOf,
  inbound,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  waitHearing,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

/**
 * Simultaneous interpretation under E2EE (issue 14 item 2, docs/call-keys.md §13): Aldoria's chair assigns
 * Belmora's chair as the English→French interpreter; she goes on air. Aldoria's expert picks French and decodes her
 * channel (audio frames and level rising) over the lowered floor; the chair stays on Floor and receives nothing of
 * the channel; a subscriber the SFU lets in without the keys gets the channel's packets as SFrame ciphertext only.
 */
describe('interpretation: a French channel under the call’s keys', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let bel: CallSeat;
  let expert: CallSeat;
  const ids: Record<string, string> = {};
  const seats = () => [chair, bel, expert];

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    chair = await callSeat(browser, server.url, world.users.aldChair!.email, 'interp-ald-chair');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'interp-bel-interpreter');
    expert = await callSeat(browser, server.url, world.users.aldExpert!.email, 'interp-ald-expert');
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Consultations — interpreted');
  }, 240_000);
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats(seats())));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const openLanguage = async (page: Page) => {
    const toggle = page.getByRole('button', { name: /^Language:/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await page.getByRole('complementary', { name: 'Interpretation' }).waitFor();
  };
  const interpStats = async (page: CallPage, from: string) =>
    (await inbound(page)).filter((s) => s.participantId === from && (s.stream as string) === 'interp');
  /** Janus feed ids the server subscribed `participantId` to (its own SFU subscription, not the page's view). */
  const subscribedFeeds = (participantId: string): string[] => {
    const call = callManagerOf(server.ctx)!.calls.get(meetingId)!;
    const m = [...call.members.values()].find((x) => x.participantId === participantId)!;
    const subscribed = (m.media as unknown as { subscribed: Map<string, { feed: number }> }).subscribed;
    return [...subscribed.values()].map((s) => String(s.feed));
  };
  const interpFeedOf = (participantId: string): string | undefined => {
    const call = callManagerOf(server.ctx)!.calls.get(meetingId)!;
    return [...call.members.values()].find((x) => x.participantId === participantId)?.feeds.get('interp');
  };

  it('three delegates of both sides join the call', async () => {
    await openPreJoin(chair, meetingId);
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    await openPreJoin(bel, meetingId);
    await joinFromPreJoin(bel);
    await waitInRoom(bel);
    await openPreJoin(expert, meetingId);
    // Preparing a third device's keys takes a while on a busy machine.
    await expect
      .poll(() => expert.page.getByRole('button', { name: 'Join secure call' }).isEnabled(), { timeout: 120_000 })
      .toBe(true);
    await joinFromPreJoin(expert);
    const lobby = chair.page.getByRole('region', { name: 'Lobby (1)' });
    await lobby.getByRole('button', { name: `Admit ${world.users.aldExpert!.displayName}` }).click();
    await waitInRoom(expert);
    ids.bel = await idOf(chair.page, world.users.belChair!.displayName);
    ids.chair = await idOf(bel.page, world.users.aldChair!.displayName);
    ids.expert = await idOf(chair.page, world.users.aldExpert!.displayName);
  });

  it('the chair assigns an interpreter, who goes on air into French', async () => {
    // The chair assigns with the keyboard-usable form; a tag that is not a language is refused, naming the field.
    await openLanguage(chair.page);
    await chair.page
      .getByLabel('Interpreter', { exact: true })
      .selectOption({ label: `${world.users.belChair!.displayName} (BEL)` });
    await chair.page.getByLabel('From (language tag)').fill('en');
    await chair.page.getByLabel('Into (language tag)').fill('french');
    await chair.page.getByRole('button', { name: 'Assign' }).click();
    await expect.poll(() => chair.page.getByRole('alert').textContent()).toContain('to');
    await chair.page.getByLabel('Into (language tag)').fill('fr');
    await chair.page.getByRole('button', { name: 'Assign' }).click();
    await expect.poll(() => chair.page.getByTestId('interp-list').textContent()).toContain('English → French');

    // The interpreter's own panel: her booth, and the button that puts her on air.
    await openLanguage(bel.page);
    const onAir = bel.page.getByRole('button', { name: 'Interpret into French' });
    await onAir.focus();
    await bel.page.keyboard.press('Enter');
    await bel.page.getByRole('button', { name: 'Stop interpreting', pressed: true }).waitFor({ timeout: 60_000 });
    await expect.poll(() => interpFeedOf(ids.bel!), { timeout: 30_000 }).toBeTruthy();
    // Every roster offers the channel.
    for (const seat of [chair, expert]) {
      await openLanguage(seat.page);
      await expect
        .poll(() => seat.page.getByRole('radio', { name: /French/ }).isEnabled(), { timeout: 30_000 })
        .toBe(true);
    }
  });

  it('the listener who picks French decodes the channel over the lowered floor; the Floor listener receives none of it', async () => {
    await openLanguage(expert.page);
    await expert.page.getByRole('radio', { name: /French/ }).check();
    await expect.poll(() => expert.page.getByRole('button', { name: /^Language:/ }).textContent()).toContain('FR');
    // Audio frames of the channel decrypt and play: the decoded energy keeps rising.
    let last = -1;
    await expect
      .poll(
        async () => {
          const a = (await interpStats(expert.page, ids.bel!)).find((s) => s.kind === 'audio');
          const energy = a?.audioEnergy ?? 0;
          const rising = energy > 0 && last > 0 && energy > last;
          if (energy > 0) last = energy;
          return rising;
        },
        { timeout: 45_000, interval: 500 },
      )
      .toBe(true);
    const decoded = (await interpStats(expert.page, ids.bel!)).find((s) => s.kind === 'audio')!;
    expect(decoded.bytes).toBeGreaterThan(2_000);
    // Ducking: the floor's elements play lowered, the channel in full.
    const volumes = await expert.page.evaluate(() => ({
      floor: [...document.querySelectorAll<HTMLVideoElement>('.call-tile video')].map((v) => v.volume),
      channel: document.querySelector<HTMLAudioElement>('[data-testid="interp-audio"]')?.volume ?? null,
    }));
    expect(volumes.channel).toBe(1);
    expect(volumes.floor.length).toBeGreaterThan(0);
    for (const v of volumes.floor) expect(v).toBeLessThan(0.5);

    // The chair is on Floor: hears the others, and the SFU sends her nothing of the channel.
    await waitHearing(chair.page, ids.expert!);
    expect(await interpStats(chair.page, ids.bel!)).toEqual([]);
    const feed = interpFeedOf(ids.bel!)!;
    expect(subscribedFeeds(ids.chair!)).not.toContain(feed);
    expect(subscribedFeeds(ids.expert!)).toContain(feed);

    // Back to Floor: the subscription drops the channel and the floor plays in full again.
    await expert.page.getByRole('radio', { name: /^Floor/ }).check();
    await expect.poll(() => subscribedFeeds(ids.expert!)).not.toContain(feed);
    await expect
      .poll(() => expert.page.evaluate(() => document.querySelector<HTMLVideoElement>('.call-tile video')?.volume))
      .toBe(1);
    await expert.page.getByRole('radio', { name: /French/ }).check();
  });

  it('a subscriber without the keys gets the channel’s packets as SFrame ciphertext only', async () => {
    const call = callManagerOf(server.ctx)!.calls.get(meetingId)!;
    const feed = Number(interpFeedOf(ids.bel!));
    expect(feed).toBeGreaterThan(0);
    const janus = server.ctx.janus!;
    const room = call.room!;
    const token = randomBytes(24).toString('base64url');
    await janus.rooms.allow(room, [token]);
    const participant = await VideoRoomParticipant.open(janus.client);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const listener = await participant.publisher('keyless-listener');
      const joined = await listener.join({ room: room.room, token, display: 'keyless-listener' });
      const sub = await participant.subscriber('keyless-listener');
      const { offer } = await sub.join({ room: room.room, privateId: joined.privateId, streams: [{ feed }] });
      // A plain receiver (no SFrame transform) that only looks at the encoded frames as they arrive, then lets
      // them on to its decoder: were the channel in clear, these would be Opus frames.
      const answer = await page.evaluate(async (offer: { type: string; sdp?: string }) => {
        const w = window as unknown as { keyless: RTCPeerConnection; frames: number[][] };
        w.frames = [];
        const pc = new RTCPeerConnection({ encodedInsertableStreams: true } as RTCConfiguration);
        w.keyless = pc;
        pc.ontrack = (e) => {
          const audio = document.createElement('audio');
          audio.autoplay = true;
          audio.srcObject = new MediaStream([e.track]);
          document.body.append(audio);
          const { readable, writable } = (
            e.receiver as unknown as { createEncodedStreams(): { readable: ReadableStream; writable: WritableStream } }
          ).createEncodedStreams();
          void readable
            .pipeThrough(
              new TransformStream({
                transform(frame: { data: ArrayBuffer }, controller) {
                  if (w.frames.length < 400) w.frames.push([...new Uint8Array(frame.data).slice(0, 24)]);
                  controller.enqueue(frame);
                },
              }),
            )
            .pipeTo(writable);
        };
        await pc.setRemoteDescription(offer as RTCSessionDescriptionInit);
        await pc.setLocalDescription(await pc.createAnswer());
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') resolve();
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
        });
        return { type: 'answer', sdp: pc.localDescription!.sdp };
      }, offer);
      await sub.start(answer as Jsep);
      const frames = () => page.evaluate(() => (window as unknown as { frames: number[][] }).frames);
      await expect.poll(async () => (await frames()).length, { timeout: 30_000 }).toBeGreaterThan(100);
      const got = await frames();
      // Every frame opens with an SFrame header (RFC 9605 §4.3) of one sender key, its counter rising frame by
      // frame: ciphertext under the interpreter's KID, which a plain Opus stream would never read as.
      const headers = got.map((f) => decodeHeader(Uint8Array.from(f)));
      const kids = new Set(headers.map((h) => h.kid));
      expect(kids.size).toBe(1);
      for (let i = 1; i < headers.length; i++) expect(headers[i]!.ctr).toBeGreaterThan(headers[i - 1]!.ctr);
      // One counter per key across the interpreter's tracks (§13): her camera's frames take the values between.
      expect(headers.some((h, i) => i > 0 && h.ctr - headers[i - 1]!.ctr > 1n)).toBe(true);
      // ...and the keyed listener still decodes the same channel.
      await expect
        .poll(async () => (await interpStats(expert.page, ids.bel!)).find((s) => s.kind === 'audio')?.bytes ?? 0)
        .toBeGreaterThan(decodedBytesFloor);
      console.info(`keyless listener: ${got.length} frames, KID ${[...kids][0]}, counters ${headers[0]!.ctr}…`);
    } finally {
      await context.close();
      await participant.close().catch(() => undefined);
      await janus.rooms.disallow(room, [token]).catch(() => undefined);
    }
  });

  it('a new microphone goes on air in the channel too, not only to the floor', async () => {
    const swapped = await bel.page.evaluate(async () => {
      type Session = {
        booth: { track: MediaStreamTrack | null };
        publishers: Map<string, { pc: RTCPeerConnection | null }>;
        replaceTrack(track: MediaStreamTrack): Promise<void>;
      };
      const session = (window as unknown as { __parleyCall: Session }).__parleyCall;
      const before = session.booth.track!;
      const mic = (await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks()[0]!;
      await session.replaceTrack(mic);
      const after = session.booth.track!;
      const sent = session.publishers
        .get('interp')
        ?.pc?.getSenders()
        .find((s) => s.track?.kind === 'audio')?.track;
      return {
        replaced: after !== before,
        oldStopped: before.readyState === 'ended',
        live: after.readyState === 'live' && after.enabled,
        onAir: sent === after,
      };
    });
    expect(swapped).toEqual({ replaced: true, oldStopped: true, live: true, onAir: true });
    // The listener keeps decoding the channel from the new microphone.
    const bytes = (await interpStats(expert.page, ids.bel!)).find((s) => s.kind === 'audio')?.bytes ?? 0;
    await expect
      .poll(async () => (await interpStats(expert.page, ids.bel!)).find((s) => s.kind === 'audio')?.bytes ?? 0, {
        timeout: 30_000,
      })
      .toBeGreaterThan(bytes + 2_000);
  });

  it('the picker and the booth pass axe and are shown at laptop size', async () => {
    await screenshot(expert.page, 'call-interpretation-picker');
    await screenshot(bel.page, 'call-interpretation-booth');
    await screenshot(chair.page, 'call-interpretation-chair');
    const failures: string[] = [];
    for (const seat of seats()) {
      const found = await axeViolations(seat.page);
      if (found.length) failures.push(formatViolations(`call room, interpretation (${seat.name})`, found));
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('an interpreter unassigned while on air goes off air at once, and every listener back to the floor', async () => {
    const feed = interpFeedOf(ids.bel!)!;
    expect(subscribedFeeds(ids.expert!)).toContain(feed);
    await openLanguage(chair.page);
    await chair.page
      .getByTestId('interp-list')
      .getByRole('button', { name: `Remove ${world.users.belChair!.displayName} as interpreter` })
      .click();
    // Her page stops and says why; the server has cut the channel on Janus whatever her page does.
    await expect.poll(() => interpFeedOf(ids.bel!), { timeout: 30_000 }).toBeUndefined();
    await bel.page.getByText('Your assignment as interpreter has ended').waitFor();
    expect(
      await bel.page.evaluate(
        () =>
          (window as unknown as { __parleyCall: { snapshot(): { interpreting: boolean } } }).__parleyCall.snapshot()
            .interpreting,
      ),
    ).toBe(false);
    await expect.poll(() => subscribedFeeds(ids.expert!)).not.toContain(feed);
    await expect.poll(() => expert.page.getByRole('radio', { name: /^Floor/ }).isChecked()).toBe(true);
  });
});

const decodedBytesFloor = 2_000;
