import type { CallStream, IceServer } from '@parley/protocol';
import type { CallE2ee } from '../e2ee/call-e2ee';
import { CameraEncodings } from './camera-encodings';
import { CAMERA_ENCODINGS } from './layers';
import type { CallSignalling } from './signalling';

/** How long a `disconnected` connection may stay so before we restart ICE (it often recovers on its own). */
const DISCONNECT_GRACE_MS = 2_500;

/** Whether a built connection can take the ICE servers that admission brings; without it, build at admission. */
const canChangeIceServers =
  typeof RTCPeerConnection !== 'undefined' && 'setConfiguration' in RTCPeerConnection.prototype;

/** The first offer, made ahead: `made` once the browser has it, so using it needs no await. */
interface OfferAhead {
  made: RTCSessionDescriptionInit | null;
  making: Promise<RTCSessionDescriptionInit | null>;
}

/**
 * One published stream (camera+microphone, or a screen share): a send-only peer connection to the SFU. Every
 * sender is handed to the E2EE layer before the first offer, so no frame ever leaves unencrypted.
 */
export class Publisher {
  private pc: RTCPeerConnection | null = null;
  /** The first offer, made on the pre-join screen with the connection (`ahead`); null once used or outdated. */
  private offerAhead: OfferAhead | null = null;
  /** The latest offer being set: its answer may come back first, as the offer left without waiting for it. */
  private settingOffer: Promise<void> = Promise.resolve();
  private pendingCandidates: (RTCIceCandidateInit | null)[] | null = [];
  private disconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private restarting = false;
  private closed = false;
  onFailure: (() => void) | null = null;
  onConnected: (() => void) | null = null;
  /** Which of the camera's layers are encoded: those someone receives (docs/architecture.md §4.2). */
  readonly encodings = new CameraEncodings(() => this.pc?.getSenders().find((s) => s.track?.kind === 'video') ?? null);

  constructor(
    readonly stream: CallStream,
    readonly media: MediaStream,
    private readonly signal: CallSignalling,
    private readonly crypto: Pick<CallE2ee, 'peerConfig' | 'prepareVideo' | 'attachSender'>,
  ) {}

  get connectionState(): RTCPeerConnectionState {
    return this.pc?.connectionState ?? 'new';
  }

  /**
   * Builds the connection and its encrypted senders ahead of admission, where the browser allows its ICE servers
   * to be set afterwards: building it is the slowest step of publishing, and done on the pre-join screen it is no
   * longer in the join at all (docs/call-keys.md §11). Nothing is negotiated or gathered yet.
   */
  static ahead(...args: ConstructorParameters<typeof Publisher>): Publisher | null {
    if (!canChangeIceServers) return null;
    const pub = new Publisher(...args);
    pub.build([]);
    // The offer too: it starts no gathering until it is set, which waits for the ICE servers admission brings. A
    // connection built again drops it (`build`).
    const ahead: OfferAhead = { made: null, making: pub.pc!.createOffer().catch(() => null) };
    void ahead.making.then((offer) => {
      ahead.made = offer;
    });
    pub.offerAhead = ahead;
    return pub;
  }

  /** Offers to the SFU with the ICE servers admission brought; builds the connection first unless built ahead. */
  async start(iceServers: IceServer[]): Promise<void> {
    if (this.pc && iceServers.length > 0) {
      try {
        this.pc.setConfiguration(this.config(iceServers));
      } catch {
        this.pc.close();
        this.pc = null;
      }
    }
    if (!this.pc) this.build(iceServers);
    const ahead = this.offerAhead;
    this.offerAhead = null;
    // Made by now, the offer is set and sent in the task that handles the admission, before the call room's first
    // render holds the page's thread (docs/call-keys.md §11): no await comes between the two.
    const made = ahead ? (ahead.made ?? (await ahead.making)) : null;
    await this.offer(false, made && this.pc?.signalingState === 'stable' ? made : null);
  }

  private config(iceServers: IceServer[]): RTCConfiguration {
    return this.crypto.peerConfig({ iceServers, bundlePolicy: 'max-bundle' });
  }

  private build(iceServers: IceServer[]): void {
    this.offerAhead = null;
    const pc = new RTCPeerConnection(this.config(iceServers));
    this.pc = pc;
    this.pendingCandidates = [];
    // Audio first, then video: the SFU reads the m-lines in this order.
    const tracks = [...this.media.getAudioTracks(), ...this.media.getVideoTracks()];
    for (const track of tracks) {
      // The camera in three layers for receivers to pick from; a screen share stays one full-resolution layer.
      const simulcast = track.kind === 'video' && this.stream === 'main';
      const t = pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [this.media],
        ...(simulcast ? { sendEncodings: CAMERA_ENCODINGS.map((e) => ({ ...e })) } : {}),
      });
      if (track.kind === 'video') this.crypto.prepareVideo(t);
      this.crypto.attachSender(t.sender);
    }
    pc.onicecandidate = (ev) => this.trickle(ev.candidate ? ev.candidate.toJSON() : null);
    pc.onconnectionstatechange = () => this.onState(pc);
  }

  /** The SFU's answer to our latest offer. */
  async answer(jsep: RTCSessionDescriptionInit): Promise<void> {
    await this.settingOffer;
    const pc = this.pc;
    if (pc?.signalingState !== 'have-local-offer') return;
    await pc.setRemoteDescription(jsep);
    if (this.stream === 'main') void this.encodings.renegotiated();
    const queued = this.pendingCandidates ?? [];
    this.pendingCandidates = null;
    for (const c of queued) this.sendCandidate(c);
  }

  /** A new ICE session over the same connection (a new offer with fresh credentials, same tracks and keys). */
  async restartIce(): Promise<void> {
    if (!this.pc || this.closed || this.restarting) return;
    this.restarting = true;
    try {
      if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' });
      this.pendingCandidates = [];
      await this.offer(true);
    } finally {
      this.restarting = false;
    }
  }

  /** Swaps the camera or microphone without renegotiating (the E2EE transform stays on the sender). */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const sender = this.pc?.getSenders().find((s) => s.track?.kind === track.kind);
    await sender?.replaceTrack(track);
  }

  /** RTCPeerConnection.getStats of the sending side, for diagnostics. */
  stats(): Promise<RTCStatsReport> | null {
    return this.pc?.getStats() ?? null;
  }

  close(): void {
    this.closed = true;
    this.encodings.close();
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
    this.pc?.close();
    this.pc = null;
  }

  private async offer(iceRestart: boolean, made: RTCSessionDescriptionInit | null = null): Promise<void> {
    const pc = this.pc!;
    const offer = made ?? (await pc.createOffer(iceRestart ? { iceRestart: true } : {}));
    // The offer leaves as it is set: the SFU works on it while this page sets it (candidates wait for the answer,
    // and the answer for the offer to be set).
    const set = pc.setLocalDescription(offer);
    this.settingOffer = set.catch(() => undefined);
    const sent = this.signal.send({
      type: 'call.publish',
      stream: this.stream,
      jsep: { type: 'offer', sdp: offer.sdp ?? '' },
    });
    await set;
    await sent;
  }

  /** Candidates wait for the answer: the server opens the SFU handle while it handles our offer. */
  private trickle(c: RTCIceCandidateInit | null): void {
    if (this.pendingCandidates) this.pendingCandidates.push(c);
    else this.sendCandidate(c);
  }

  private sendCandidate(c: RTCIceCandidateInit | null): void {
    void this.signal.send({
      type: 'call.trickle',
      target: this.stream,
      candidate: c
        ? { candidate: c.candidate ?? '', sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
        : null,
    });
  }

  private onState(pc: RTCPeerConnection): void {
    if (pc !== this.pc || this.closed) return;
    const state = pc.connectionState;
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
    this.disconnectTimer = null;
    if (state === 'connected') this.onConnected?.();
    if (state === 'failed') {
      this.onFailure?.();
      void this.restartIce();
    } else if (state === 'disconnected') {
      this.disconnectTimer = setTimeout(() => void this.restartIce(), DISCONNECT_GRACE_MS);
    }
  }
}
