import type { CallParticipant } from '@parley/protocol';
import {
  type CallE2ee,
  createCallE2ee,
  type E2eeState,
  e2eePeerConnectionConfig,
  preferE2eeVideoCodecs,
  supportsE2ee,
} from '../e2ee';
import type { CallCrypto, ChatMessage, DeviceFingerprint, E2eeView, KeyStatus } from './e2ee-bridge';

export interface CryptoChoice {
  supported: boolean;
  /** Why this browser cannot take part, in plain words. */
  reason: string | null;
  crypto: CallCrypto;
}

const KEY_STATUS: Record<E2eeState['participants'][number]['status'], KeyStatus> = {
  ok: 'ok',
  waiting: 'waiting',
  'unknown-device-key': 'unknown-device',
  failing: 'failing',
};

/**
 * The call's end-to-end encryption: packages/web/src/e2ee (MLS keys through the Delivery Service, SFrame in a
 * worker) behind the small interface the call needs. The device and its key packages are made ready on the
 * pre-join screen, so `call.join` already names the device; the MLS group is joined once we are admitted, while
 * media is set up (frames are dropped by the worker until the keys are in).
 */
class E2eeCallCrypto implements CallCrypto {
  readonly active = true;
  private e2ee: CallE2ee | null = null;
  private preparing: Promise<string> | null = null;
  private participants: CallParticipant[] = [];
  private viewers = new Set<(v: E2eeView) => void>();
  private chatters = new Set<(m: ChatMessage) => void>();
  private offs: (() => void)[] = [];
  private view: E2eeView = {
    active: true,
    ready: false,
    safetyCode: null,
    epoch: null,
    devices: [],
    keys: {},
    error: null,
  };

  constructor(
    private readonly meetingId: string,
    private readonly userId: string,
  ) {}

  prepare(): Promise<string | null> {
    if (!this.preparing) {
      const e2ee = this.create();
      this.preparing = e2ee.deviceId.catch((err: unknown) => {
        // Pressing Join tries again from scratch (a passing network error should not need a reload).
        if (this.e2ee === e2ee) this.drop();
        throw err;
      });
    }
    return this.preparing;
  }

  async begin(): Promise<void> {
    await this.prepare();
    await this.require().start();
  }

  private create(): CallE2ee {
    const e2ee = createCallE2ee({ meetingId: this.meetingId, me: { userId: this.userId }, autoStart: false });
    this.e2ee = e2ee;
    this.offs.push(
      e2ee.onState((s) => this.publish(s)),
      e2ee.onChat((m) =>
        this.emitChat({
          id: String(m.seq),
          fromUserId: m.userId,
          fromName: m.displayName,
          text: m.text,
          at: m.at,
          mine: m.mine,
        }),
      ),
    );
    if (this.participants.length) e2ee.setRoster(this.participants);
    return e2ee;
  }

  private drop(): void {
    for (const off of this.offs.splice(0)) off();
    this.e2ee?.close();
    this.e2ee = null;
    this.preparing = null;
  }

  peerConfig(base: RTCConfiguration): RTCConfiguration {
    return e2eePeerConnectionConfig(base);
  }

  prepareVideo(transceiver: RTCRtpTransceiver): void {
    preferE2eeVideoCodecs(transceiver);
  }

  attachSender(sender: RTCRtpSender, stream: 'main' | 'screen'): void {
    this.require().attachSender(sender, stream === 'screen' ? 'screen' : (sender.track?.kind ?? 'video'));
  }

  attachReceiver(receiver: RTCRtpReceiver, participantId: string): void {
    this.require().attachReceiver(receiver, participantId);
  }

  roster(participants: CallParticipant[]): void {
    this.participants = participants;
    this.e2ee?.setRoster(participants);
  }

  onView(cb: (v: E2eeView) => void): () => void {
    this.viewers.add(cb);
    cb(this.view);
    return () => this.viewers.delete(cb);
  }

  async sendChat(text: string): Promise<void> {
    const m = await this.require().sendChat(text);
    this.emitChat({ id: String(m.seq), fromUserId: m.userId, fromName: 'You', text: m.text, at: m.at, mine: true });
  }

  onChat(cb: (m: ChatMessage) => void): () => void {
    this.chatters.add(cb);
    return () => this.chatters.delete(cb);
  }

  async leave(): Promise<void> {
    await this.e2ee?.leave().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.drop();
  }

  /** Media is never set up before `prepare` has created the layer (the session awaits it before joining). */
  private require(): CallE2ee {
    if (!this.e2ee) throw new Error('End-to-end encryption has not started yet.');
    return this.e2ee;
  }

  private seen = new Set<string>();
  private emitChat(m: ChatMessage): void {
    // Our own message comes back from sendChat and (with the same sequence number) through onChat.
    if (this.seen.has(m.id)) return;
    this.seen.add(m.id);
    for (const l of this.chatters) l(m);
  }

  /** The E2EE layer's last state as it reported it (counters included), for diagnostics. */
  lastState: E2eeState | null = null;

  private publish(s: E2eeState): void {
    this.lastState = s;
    const name = (userId: string, participantId: string | null) =>
      this.participants.find((p) => p.participantId === participantId)?.displayName ??
      this.participants.find((p) => p.userId === userId)?.displayName ??
      'Former participant';
    const devices: DeviceFingerprint[] = s.members.map((m) => ({
      userId: m.userId,
      deviceId: m.deviceId,
      displayName: m.isMe ? `${name(m.userId, m.participantId)} (this browser)` : name(m.userId, m.participantId),
      fingerprint: m.fingerprint,
      isMe: m.isMe,
      trust: m.isMe
        ? 'known'
        : m.warning === 'changed' || !m.verified
          ? 'changed'
          : m.warning === 'new'
            ? 'new'
            : 'known',
    }));
    const keys: Record<string, KeyStatus> = {};
    for (const p of s.participants) keys[p.participantId] = KEY_STATUS[p.status];
    this.view = {
      active: true,
      ready: s.phase === 'ready',
      safetyCode: s.safetyCode,
      epoch: s.epoch,
      devices,
      keys,
      error: s.error,
    };
    for (const v of this.viewers) v(this.view);
  }
}

/** Whether this browser can take part (it must encrypt frames end to end), and the crypto for the call. */
export async function loadCrypto(opts: { meetingId: string; userId: string }): Promise<CryptoChoice> {
  const crypto = new E2eeCallCrypto(opts.meetingId, opts.userId);
  if (!supportsE2ee())
    return {
      supported: false,
      reason:
        'This browser cannot encrypt calls end to end, so it cannot join. Use a current version of Chrome, Edge, Firefox or Safari.',
      crypto,
    };
  return { supported: true, reason: null, crypto };
}
