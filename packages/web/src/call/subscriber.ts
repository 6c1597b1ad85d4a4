import type { CallServerMessage, CallStream, IceServer } from '@parley/protocol';
import type { CallE2ee } from '../e2ee/call-e2ee';
import type { CallSignalling } from './signalling';

type Offer = Extract<CallServerMessage, { type: 'call.offer' }>;
export type RemoteKey = `${string}:${CallStream}`;
export interface RemoteMedia {
  participantId: string;
  stream: CallStream;
  media: MediaStream;
  receivers: RTCRtpReceiver[];
  /** The subscriber connection's mid of the video, which the simulcast layer requests name. */
  videoMid?: string;
}

/**
 * One receive-only connection carrying every feed we subscribe to. The SFU makes the offers (initial and after each
 * change of the subscription set); we answer. Each receiver goes to the E2EE layer before the answer, so the first
 * frame already meets the decrypting transform.
 */
export class Subscriber {
  private pc: RTCPeerConnection | null = null;
  /** The SFU subscription the connection belongs to: an offer of another one starts a fresh connection. */
  private subscription: string | null = null;
  private byMid = new Map<string, Offer['streams'][number]>();
  private attached = new WeakMap<RTCRtpReceiver, string>();
  private pendingCandidates: (RTCIceCandidateInit | null)[] | null = [];
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  remote = new Map<RemoteKey, RemoteMedia>();
  onRemote: ((remote: Map<RemoteKey, RemoteMedia>) => void) | null = null;
  onFailure: (() => void) | null = null;
  /** Every change of the connection's state, so the call's media health follows it (connected comes after ontrack). */
  onStateChange: (() => void) | null = null;

  constructor(
    private readonly iceServers: IceServer[],
    private readonly signal: CallSignalling,
    private readonly crypto: Pick<CallE2ee, 'peerConfig' | 'attachReceiver'>,
  ) {}

  get connectionState(): RTCPeerConnectionState {
    return this.pc?.connectionState ?? 'new';
  }

  /** Offers are handled one after another: a second one may arrive while we still answer the first. */
  handleOffer(msg: Offer): Promise<void> {
    this.chain = this.chain.then(() => this.answer(msg)).catch((err) => console.error('subscriber offer', err));
    return this.chain;
  }

  stats(): Promise<RTCStatsReport> | null {
    return this.pc?.getStats() ?? null;
  }

  close(): void {
    this.closed = true;
    this.pc?.close();
    this.pc = null;
    this.remote = new Map();
  }

  /**
   * A new SFU subscriber handle (the media server restarted, or we joined again; docs/architecture.md §4.1) numbers
   * its streams afresh: its offer would not fit the old connection's transceivers, so it gets a connection of its own.
   */
  private replacePc(): void {
    this.pc?.close();
    this.pc = null;
    this.attached = new WeakMap();
  }

  private ensurePc(): RTCPeerConnection {
    if (this.pc && this.pc.signalingState !== 'closed') return this.pc;
    const pc = new RTCPeerConnection(
      this.crypto.peerConfig({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' }),
    );
    this.pc = pc;
    this.pendingCandidates = [];
    pc.onicecandidate = (ev) => this.trickle(ev.candidate ? ev.candidate.toJSON() : null);
    pc.ontrack = () => this.rebuild();
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc || this.closed) return;
      if (pc.connectionState === 'failed') this.onFailure?.();
      else this.onStateChange?.();
    };
    return pc;
  }

  private async answer(msg: Offer): Promise<void> {
    if (this.closed) return;
    if (this.subscription !== null && msg.subscription !== this.subscription) this.replacePc();
    this.subscription = msg.subscription;
    const pc = this.ensurePc();
    // A restart offer from the SFU (new ICE credentials) replaces the old session in the same connection.
    await pc.setRemoteDescription(msg.jsep);
    this.byMid = new Map(msg.streams.map((s) => [s.mid, s]));
    for (const t of pc.getTransceivers()) {
      const info = t.mid ? this.byMid.get(t.mid) : undefined;
      if (!info || this.attached.get(t.receiver) === info.participantId) continue;
      this.crypto.attachReceiver(t.receiver, info.participantId);
      this.attached.set(t.receiver, info.participantId);
    }
    // This browser takes the DTLS server role: Janus, an ICE-lite agent, opens the handshake once the browser's
    // nominated check reaches it, so no first handshake message can come before Janus's handshake started (a
    // browser's ClientHello could, and was resent only a second later). The answer leaves before it is set here:
    // setting it starts ICE, and Janus must hold it by the first check (docs/call-keys.md §11). The candidates
    // follow by trickle either way.
    const created = await pc.createAnswer();
    const answer = { type: created.type, sdp: (created.sdp ?? '').replace(/a=setup:active/g, 'a=setup:passive') };
    const sent = this.signal.send({
      type: 'call.subscribe-answer',
      subscription: msg.subscription,
      offer: msg.offer,
      jsep: { type: 'answer', sdp: answer.sdp },
    });
    await pc.setLocalDescription(answer);
    await sent;
    const queued = this.pendingCandidates ?? [];
    this.pendingCandidates = null;
    for (const c of queued) this.sendCandidate(c);
    this.rebuild();
  }

  /** Groups the live receivers into one MediaStream per published stream (audio + video of one feed). */
  private rebuild(): void {
    const pc = this.pc;
    if (!pc) return;
    const next = new Map<RemoteKey, RemoteMedia>();
    for (const t of pc.getTransceivers()) {
      const info = t.mid ? this.byMid.get(t.mid) : undefined;
      if (!info || t.currentDirection === 'inactive' || t.receiver.track.readyState === 'ended') continue;
      const key: RemoteKey = `${info.participantId}:${info.stream}`;
      let entry = next.get(key);
      if (!entry) {
        entry = { participantId: info.participantId, stream: info.stream, media: new MediaStream(), receivers: [] };
        next.set(key, entry);
      }
      entry.media.addTrack(t.receiver.track);
      entry.receivers.push(t.receiver);
      if (t.receiver.track.kind === 'video' && t.mid) entry.videoMid = t.mid;
    }
    // Keep the old MediaStream object when its tracks are unchanged, so <video> elements do not flicker.
    let changed = next.size !== this.remote.size;
    for (const [key, entry] of next) {
      const old = this.remote.get(key);
      const same =
        old &&
        old.media.getTracks().length === entry.media.getTracks().length &&
        entry.media.getTracks().every((t) => old.media.getTrackById(t.id));
      if (old && same)
        next.set(key, entry.videoMid && entry.videoMid !== old.videoMid ? { ...old, videoMid: entry.videoMid } : old);
      changed ||= next.get(key) !== old;
    }
    // Each remote track fires its own event and the answer rebuilds once more: the call room re-renders only for a
    // change (several a join, on a page that is busy with it).
    if (!changed) return;
    this.remote = next;
    this.onRemote?.(next);
  }

  private trickle(c: RTCIceCandidateInit | null): void {
    if (this.pendingCandidates) this.pendingCandidates.push(c);
    else this.sendCandidate(c);
  }

  private sendCandidate(c: RTCIceCandidateInit | null): void {
    void this.signal.send({
      type: 'call.trickle',
      target: 'subscriber',
      candidate: c
        ? { candidate: c.candidate ?? '', sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
        : null,
    });
  }
}
