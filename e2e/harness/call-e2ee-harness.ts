// Browser harness for the call E2EE layer (packages/web/src/e2ee): the real module, its real worker, the real
// Delivery Service and WebSocket, real RTCPeerConnections with Chromium's fake camera. Installed as
// `window.parleyCall`; the spec drives it through page.evaluate, so arguments and results are plain JSON.
import { kidFor } from '@parley/e2ee';
import { realtime } from '../../packages/web/src/api/realtime.js';
import { CallE2ee } from '../../packages/web/src/e2ee/call-e2ee.js';
import { MediaCrypto } from '../../packages/web/src/e2ee/media-crypto.js';
import { e2eePeerConnectionConfig, preferE2eeVideoCodecs, supportsE2ee } from '../../packages/web/src/e2ee/support.js';
import type { CallE2eeView, ChatMessage, RosterEntry } from '../../packages/web/src/e2ee/types.js';

export interface ReceiveReport {
  framesDecoded: number;
  framesReceived: number;
  bytesReceived: number;
  /** Share of sampled pixels that are not near-black, from the <video> drawn to a canvas. */
  litPixels: number;
  width: number;
  /** HTMLMediaElement.readyState of the <video>, for failure messages. */
  readyState: number;
}

export interface CallHarness {
  supports(): boolean;
  signIn(email: string, password: string): Promise<string>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  start(meetingId: string): Promise<string>;
  setRoster(roster: RosterEntry[]): void;
  state(): CallE2eeView;
  /** Publishes the fake camera on a new connection; returns its id and the complete offer. */
  publish(): Promise<{ id: string; offer: string }>;
  /** Answers an offer: `e2ee` decrypts for `participantId`; `plain` has no transform; `wrong-key` random keys. */
  receive(
    offer: string,
    how: { mode: 'e2ee' | 'plain' | 'wrong-key'; participantId: string; senderLeaf?: number },
  ): Promise<{ id: string; answer: string }>;
  accept(id: string, answer: string): Promise<void>;
  report(id: string): Promise<ReceiveReport>;
  wrongKeyStats(): unknown;
  sendChat(text: string): Promise<ChatMessage>;
  chats(): ChatMessage[];
  leave(): Promise<void>;
  close(): void;
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** The app's HTTP client shape: throws with `status` on failure. */
const appApi = {
  async get<T>(url: string): Promise<T> {
    const r = await api('GET', url);
    if (r.status >= 400) throw Object.assign(new Error(`GET ${url}: ${r.status}`), { status: r.status });
    return r.body as T;
  },
  async post<T>(url: string, body: unknown = {}): Promise<T> {
    const r = await api('POST', url, body);
    if (r.status >= 400)
      throw Object.assign(new Error(`POST ${url}: ${r.status} ${JSON.stringify(r.body)}`), { status: r.status });
    return r.body as T;
  },
};

async function gathered(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
  }
  return pc.localDescription!.sdp;
}

class Harness implements CallHarness {
  #userId = '';
  #e2ee: CallE2ee | undefined;
  #pcs = new Map<string, { pc: RTCPeerConnection; video?: HTMLVideoElement }>();
  #next = 0;
  #chats: ChatMessage[] = [];
  #wrong: MediaCrypto | undefined;

  supports = () => supportsE2ee();
  api = api;

  async signIn(email: string, password: string) {
    const res = await api('POST', '/api/auth/login', { email, password });
    this.#userId = (res.body as { user: { id: string } }).user.id;
    realtime.start();
    return this.#userId;
  }

  get #call(): CallE2ee {
    if (!this.#e2ee) throw new Error('not started');
    return this.#e2ee;
  }

  async start(meetingId: string) {
    const e2ee = new CallE2ee({ meetingId, userId: this.#userId, api: appApi });
    this.#e2ee = e2ee;
    e2ee.onChat((m) => this.#chats.push(m));
    // As the call page: the device first, then the call's MLS group (the tab must hold the call).
    const deviceId = await e2ee.prepare();
    await e2ee.begin();
    return deviceId;
  }

  setRoster(roster: RosterEntry[]) {
    this.#call.setRoster(roster);
  }

  state() {
    return this.#call.view;
  }

  async publish() {
    const media = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
    const pc = new RTCPeerConnection(e2eePeerConnectionConfig());
    for (const track of media.getTracks()) {
      const t = pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
      if (track.kind === 'video') preferE2eeVideoCodecs(t);
      this.#call.attachSender(t.sender);
    }
    await pc.setLocalDescription(await pc.createOffer());
    const id = `pc${this.#next++}`;
    this.#pcs.set(id, { pc });
    return { id, offer: await gathered(pc) };
  }

  async receive(
    offer: string,
    how: { mode: 'e2ee' | 'plain' | 'wrong-key'; participantId: string; senderLeaf?: number },
  ) {
    const pc = new RTCPeerConnection(e2eePeerConnectionConfig());
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    document.body.append(video);
    if (how.mode === 'wrong-key') this.#wrong ??= await this.#wrongKeys(how.participantId, how.senderLeaf ?? 0);
    pc.ontrack = (event) => {
      if (how.mode === 'e2ee') this.#call.attachReceiver(event.receiver, how.participantId);
      if (how.mode === 'wrong-key') this.#wrong?.attachReceiver(event.receiver, how.participantId);
      if (event.track.kind !== 'video') return;
      video.srcObject = new MediaStream([event.track]);
      void video.play().catch(() => undefined);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    const id = `pc${this.#next++}`;
    this.#pcs.set(id, { pc, video });
    return { id, answer: await gathered(pc) };
  }

  /** A second worker holding keys under the sender's real KID for this epoch, but random ones. */
  async #wrongKeys(participantId: string, senderLeaf: number): Promise<MediaCrypto> {
    const wrong = new MediaCrypto(() => undefined);
    const epoch = BigInt(this.#call.view.epoch ?? 0);
    const ownLeaf = senderLeaf === 0 ? 1 : 0;
    wrong.setKeys({
      type: 'keys',
      epoch,
      epochBits: 4,
      baseKey: crypto.getRandomValues(new Uint8Array(16)).buffer,
      ownKid: kidFor(ownLeaf, epoch, 4),
      receivers: [{ kid: kidFor(senderLeaf, epoch, 4), leafIndex: senderLeaf }],
    });
    wrong.setParticipants({ [participantId]: [senderLeaf] });
    return wrong;
  }

  wrongKeyStats() {
    return this.#wrong?.stats ?? null;
  }

  async accept(id: string, answer: string) {
    await this.#pcs.get(id)!.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  async report(id: string): Promise<ReceiveReport> {
    const { pc, video } = this.#pcs.get(id)!;
    let framesDecoded = 0;
    let framesReceived = 0;
    let bytesReceived = 0;
    for (const s of (await pc.getStats()).values()) {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') continue;
      framesDecoded += s.framesDecoded ?? 0;
      framesReceived += s.framesReceived ?? 0;
      bytesReceived += s.bytesReceived ?? 0;
    }
    let litPixels = 0;
    const width = video?.videoWidth ?? 0;
    if (video && width > 0) {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d', { willReadFrequently: true })!;
      g.drawImage(video, 0, 0, 64, 48);
      const px = g.getImageData(0, 0, 64, 48).data;
      let lit = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i]! + px[i + 1]! + px[i + 2]! > 60) lit++;
      litPixels = lit / (px.length / 4);
    }
    return { framesDecoded, framesReceived, bytesReceived, litPixels, width, readyState: video?.readyState ?? -1 };
  }

  sendChat(text: string) {
    return this.#call.sendChat(text);
  }

  chats() {
    return this.#chats;
  }

  leave() {
    return this.#call.leave();
  }

  close() {
    for (const { pc } of this.#pcs.values()) pc.close();
    this.#wrong?.close();
    this.#e2ee?.close();
  }
}

(globalThis as unknown as { parleyCall: CallHarness }).parleyCall = new Harness();
