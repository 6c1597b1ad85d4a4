// Browser side of the E2EE media bench (bundled by vite like the SPA bundles the layer): the real MediaCrypto and
// its real SFrame worker on real RTCPeerConnections with Chromium's fake camera, or the same connections with no
// transform. Keys are a fixed random base key per run rather than an MLS epoch's: the per-frame work (what the
// bench measures) is the same, and MLS keying is covered by bench/mls.bench.ts.
import { kidFor } from '@parley/e2ee';
// LiveKit's own frame encryption worker, exactly as the livekit-client package ships it (the peer row).
import livekitWorkerUrl from 'livekit-client/e2ee-worker?worker&url';
import { MediaCrypto } from '../../packages/web/src/e2ee/media-crypto.js';
import { e2eePeerConnectionConfig, preferE2eeVideoCodecs } from '../../packages/web/src/e2ee/support.js';

const EPOCH = 1n;
const EPOCH_BITS = 4;
/** One 720p stream at about the camera's top simulcast layer (1.2 Mbit/s, packages/web/src/call/layers.ts); kept at 1 Mbit/s so figures compare with earlier runs. */
const ROOM_BITRATE = 1_024_000;
const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** A worker whose encoded transform pipes frames straight back: no per-frame JavaScript at all. */
const PASS_THROUGH = 'onrtctransform = (event) => { event.transformer.readable.pipeTo(event.transformer.writable); };';
let passWorker: Worker | undefined;
let livekit: Worker | undefined;

const pcs = new Map<string, RTCPeerConnection>();
let next = 0;
let crypto: MediaCrypto | undefined;
const errors: string[] = [];

const bytes = (hex: string) => new Uint8Array(hex.match(/../g)!.map((h) => Number.parseInt(h, 16))).buffer;

async function gathered(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete')
    await new Promise<void>((resolve) =>
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
    );
  return pc.localDescription!.sdp;
}

function keyed(keyHex: string, ownLeaf: number, senderLeaves: number[]): MediaCrypto {
  crypto ??= new MediaCrypto((message) => errors.push(message));
  crypto.setKeys({
    type: 'keys',
    epoch: EPOCH,
    epochBits: EPOCH_BITS,
    baseKey: bytes(keyHex),
    ownKid: kidFor(ownLeaf, EPOCH, EPOCH_BITS),
    receivers: senderLeaves.map((leafIndex) => ({ kid: kidFor(leafIndex, EPOCH, EPOCH_BITS), leafIndex })),
  });
  return crypto;
}

/**
 * LiveKit's worker set up as its ExternalE2EEKeyProvider does: one shared key (raw bytes imported as HKDF material,
 * from which the worker derives its AES-GCM key), no ratcheting, encryption enabled for every participant.
 */
async function livekitKeyed(keyHex: string, identities: string[]): Promise<Worker> {
  if (!livekit) {
    const worker = new Worker(livekitWorkerUrl, { type: 'module', name: 'livekit-e2ee' });
    worker.onmessage = (event: MessageEvent<{ kind: string; data?: { error?: unknown } }>) => {
      if (event.data.kind === 'error') errors.push(`livekit: ${String(event.data.data?.error)}`);
    };
    worker.postMessage({
      kind: 'init',
      data: {
        keyProviderOptions: {
          sharedKey: true,
          ratchetSalt: 'LKFrameEncryptionKey',
          ratchetWindowSize: 0,
          failureTolerance: 10,
          keyringSize: 16,
          keySize: 128,
        },
        loglevel: 'warn',
      },
    });
    const material = await globalThis.crypto.subtle.importKey('raw', bytes(keyHex), 'HKDF', false, [
      'deriveBits',
      'deriveKey',
    ]);
    worker.postMessage({ kind: 'setKey', data: { key: material, keyIndex: 0, updateCurrentKeyIndex: true } });
    livekit = worker;
  }
  for (const participantIdentity of identities)
    livekit.postMessage({ kind: 'enable', data: { enabled: true, participantIdentity } });
  return livekit;
}

function livekitTransform(
  endpoint: RTCRtpSender | RTCRtpReceiver,
  worker: Worker,
  kind: 'encode' | 'decode',
  participantIdentity: string,
  track: MediaStreamTrack,
): void {
  const Transform = (
    globalThis as unknown as { RTCRtpScriptTransform: new (worker: Worker, options: unknown) => unknown }
  ).RTCRtpScriptTransform;
  (endpoint as unknown as { transform: unknown }).transform = new Transform(worker, {
    kind,
    participantIdentity,
    trackId: track.id,
    ...(track.kind === 'video' ? { codec: 'vp8' } : {}),
    hasPacketTrailer: false,
  });
}

/** `sdp` with `a=ptime` and `a=maxptime` of `ms` in its audio section. */
function withPtime(sdp: string, ms: number): string {
  const sections = sdp.split(/(?=^m=)/m);
  return sections
    .map((section) =>
      section.startsWith('m=audio')
        ? `${section.replace(/^a=(max)?ptime:.*\r\n/gm, '').trimEnd()}\r\na=ptime:${ms}\r\na=maxptime:${ms}\r\n`
        : section,
    )
    .join('');
}

const register = (pc: RTCPeerConnection) => {
  const id = `pc${next++}`;
  pcs.set(id, pc);
  return id;
};

const api = {
  /**
   * Publishes the fake camera and microphone, SFrame-encrypted as leaf `leaf` when `keyHex` is given (with LiveKit's
   * worker instead when `withLivekit`).
   */
  async publish(keyHex: string | null, leaf: number, withLivekit = false) {
    const media = await navigator.mediaDevices.getUserMedia({ video: VIDEO, audio: true });
    const pc = new RTCPeerConnection(keyHex ? e2eePeerConnectionConfig() : {});
    const identity = `participant-${leaf}`;
    const lk = keyHex && withLivekit ? await livekitKeyed(keyHex, [identity]) : undefined;
    const mc = keyHex && !lk ? keyed(keyHex, leaf, []) : undefined;
    for (const track of media.getTracks()) {
      const t = pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
      if (track.kind === 'video') preferE2eeVideoCodecs(t);
      mc?.attachSender(t.sender);
      if (lk) livekitTransform(t.sender, lk, 'encode', identity, track);
    }
    await pc.setLocalDescription(await pc.createOffer());
    return { id: register(pc), offer: await gathered(pc) };
  },

  /**
   * The same media in every mode: the Janus room's 1 Mbit/s cap, and the resolution held, since the sender's
   * CPU-overuse adaptation would otherwise pick a different resolution from run to run (it went 640x360 to 960x540
   * on this machine) and the receiver's decoding cost with it.
   */
  async fixEncoding(id: string) {
    for (const sender of pcs.get(id)!.getSenders()) {
      if (sender.track?.kind !== 'video') continue;
      const params = sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: string };
      params.degradationPreference = 'maintain-resolution';
      for (const encoding of params.encodings) encoding.maxBitrate = ROOM_BITRATE;
      await sender.setParameters(params);
    }
  },

  /**
   * Answers an offer and shows its video; decrypts as `participantId` (sender leaves 0..n-1) when keyed. With
   * `passThrough` (and no key) every received frame still goes through an encoded transform in a worker that hands it
   * back untouched: the cost of the transform machinery itself, without any crypto.
   */
  async receive(
    offer: string,
    keyHex: string | null,
    participantId: string,
    leaves: Record<string, number[]>,
    passThrough = false,
    withLivekit = false,
    opusPtimeMs: number | null = null,
  ) {
    const pc = new RTCPeerConnection(keyHex ? e2eePeerConnectionConfig() : {});
    const senderLeaves = Object.values(leaves).flat();
    const lk = keyHex && withLivekit ? await livekitKeyed(keyHex, Object.keys(leaves)) : undefined;
    const mc = keyHex && !lk ? keyed(keyHex, Math.max(...senderLeaves) + 1, senderLeaves) : undefined;
    mc?.setParticipants(leaves);
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.width = 640;
    document.body.append(video);
    pc.ontrack = (event) => {
      mc?.attachReceiver(event.receiver, participantId);
      if (lk) livekitTransform(event.receiver, lk, 'decode', participantId, event.track);
      if (passThrough && !mc) {
        passWorker ??= new Worker(URL.createObjectURL(new Blob([PASS_THROUGH], { type: 'text/javascript' })));
        (event.receiver as unknown as { transform: unknown }).transform = new (
          globalThis as unknown as { RTCRtpScriptTransform: new (worker: Worker, options: unknown) => unknown }
        ).RTCRtpScriptTransform(passWorker, {});
      }
      if (event.track.kind !== 'video') return;
      video.srcObject = new MediaStream([event.track]);
      void video.play().catch(() => undefined);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = await gathered(pc);
    // The sender's Opus encoder takes its frame length from the answer's ptime (RFC 4566 §6; libwebrtc reads it as
    // the codec's "ptime" parameter), as a Janus room's answer would carry it.
    return { id: register(pc), answer: opusPtimeMs ? withPtime(answer, opusPtimeMs) : answer };
  },

  async accept(id: string, answer: string) {
    await pcs.get(id)!.setRemoteDescription({ type: 'answer', sdp: answer });
  },

  /** Video frames decoded on each receiving connection. */
  async frames(): Promise<number[]> {
    const out: number[] = [];
    for (const pc of pcs.values()) {
      let n = 0;
      for (const s of (await pc.getStats()).values())
        if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded ?? 0;
      out.push(n);
    }
    return out;
  },

  /** Audio packets received so far on every connection (50/s per stream at 20 ms frames, 25/s at 40 ms). */
  async audioPackets(): Promise<number> {
    let n = 0;
    for (const pc of pcs.values())
      for (const s of (await pc.getStats()).values())
        if (s.type === 'inbound-rtp' && s.kind === 'audio') n += s.packetsReceived ?? 0;
    return n;
  },

  /** The resolution of every received video stream, to show that every mode decoded the same media. */
  async resolutions(): Promise<string[]> {
    const out: string[] = [];
    for (const pc of pcs.values())
      for (const s of (await pc.getStats()).values())
        if (s.type === 'inbound-rtp' && s.kind === 'video') out.push(`${s.frameWidth ?? 0}x${s.frameHeight ?? 0}`);
    return out;
  },

  errors: () => errors,
};

(globalThis as unknown as { benchMedia: typeof api }).benchMedia = api;
export type BenchMedia = typeof api;
