import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { type Jsep, VideoRoomParticipant } from '../../packages/server/src/janus/index.js';
import { callManagerOf } from '../../packages/server/src/modules/calls/index.js';
import type { CallPage } from './call-room.js';
import type { CallServer } from './call-server.js';

export interface JanusListener {
  /** What the page's listening connection got so far: per kind bytes, packets and frames; the picture's width. */
  received(): Promise<Record<string, Record<string, number>>>;
  close(): Promise<void>;
}

/**
 * A listener the SFU lets in (a room token and its private id, as a compromised server could mint) subscribed to
 * `participantId`'s camera and microphone: a plain RTCPeerConnection on `page` (either engine). Without
 * `decryptAs` it has no transform at all: were that sender's frames in clear, it would decode them like any WebRTC
 * video. With `decryptAs`, each receiver goes through the page's tapped E2EE worker (support/rekey-worker-tap.ts),
 * bound to that participant: the worker decrypts with whatever keys it still holds.
 */
export async function listenOnJanus(
  server: CallServer,
  meetingId: string,
  page: CallPage,
  participantId: string,
  opts: { decryptAs?: string } = {},
): Promise<JanusListener> {
  const call = callManagerOf(server.ctx)!.calls.get(meetingId)!;
  const member = [...call.members.values()].find((m) => m.participantId === participantId);
  const feed = Number(member?.feeds.get('main'));
  expect(feed).toBeGreaterThan(0);
  const janus = server.ctx.janus!;
  const room = call.room!;
  const token = randomBytes(24).toString('base64url');
  await janus.rooms.allow(room, [token]);
  const participant = await VideoRoomParticipant.open(janus.client);
  const close = async () => {
    await page
      .evaluate(() => (window as unknown as { keyless?: RTCPeerConnection }).keyless?.close())
      .catch(() => undefined);
    await participant.close().catch(() => undefined);
    await janus.rooms.disallow(room, [token]).catch(() => undefined);
  };
  try {
    const listener = await participant.publisher('janus-listener');
    const joined = await listener.join({ room: room.room, token, display: 'janus-listener' });
    const sub = await participant.subscriber('janus-listener');
    const { offer } = await sub.join({ room: room.room, privateId: joined.privateId, streams: [{ feed }] });
    const answer = await page.evaluate(
      async ({ offer, decryptAs }: { offer: { type: string; sdp?: string }; decryptAs: string | null }) => {
        const pc = new RTCPeerConnection();
        (window as unknown as { keyless: RTCPeerConnection }).keyless = pc;
        pc.ontrack = (e) => {
          if (decryptAs) {
            const worker = (window as unknown as { __rekeyTap: { workers: Worker[] } }).__rekeyTap.workers[0]!;
            const Transform = (
              globalThis as unknown as { RTCRtpScriptTransform: new (w: Worker, o: unknown) => unknown }
            ).RTCRtpScriptTransform;
            (e.receiver as unknown as { transform: unknown }).transform = new Transform(worker, {
              side: 'receive',
              id: `listener-${e.track.kind}`,
              kind: e.track.kind,
              participantId: decryptAs,
            });
          }
          if (e.track.kind !== 'video') return;
          const video = document.createElement('video');
          video.muted = true;
          video.autoplay = true;
          video.srcObject = new MediaStream([e.track]);
          video.dataset.listener = '';
          document.body.append(video);
        };
        await pc.setRemoteDescription(offer as RTCSessionDescriptionInit);
        await pc.setLocalDescription(await pc.createAnswer());
        // The answer carries the candidates: nothing trickles from this page.
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') resolve();
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
        });
        return { type: 'answer', sdp: pc.localDescription!.sdp };
      },
      { offer, decryptAs: opts.decryptAs ?? null },
    );
    await sub.start(answer as Jsep);
  } catch (error) {
    await close();
    throw error;
  }
  const received = () =>
    page.evaluate(async () => {
      const pc = (window as unknown as { keyless: RTCPeerConnection }).keyless;
      const out: Record<string, Record<string, number>> = {};
      for (const s of (await pc.getStats()).values())
        if (s.type === 'inbound-rtp')
          out[s.kind] = {
            bytes: s.bytesReceived ?? 0,
            packets: s.packetsReceived ?? 0,
            framesReceived: s.framesReceived ?? 0,
            framesDecoded: s.framesDecoded ?? 0,
            keyFramesDecoded: s.keyFramesDecoded ?? 0,
          };
      const video = document.querySelector<HTMLVideoElement>('video[data-listener]');
      out.picture = { width: video?.videoWidth ?? 0 };
      return out;
    });
  return { received, close };
}
