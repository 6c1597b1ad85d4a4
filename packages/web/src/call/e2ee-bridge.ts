import type { CallParticipant } from '@parley/protocol';

/** How one sender's media decrypts on this device, shown on their tile. */
export type KeyStatus = 'ok' | 'waiting' | 'unknown-device' | 'failing' | 'unsupported' | 'clear';

export interface DeviceFingerprint {
  userId: string;
  deviceId: string;
  displayName: string;
  fingerprint: string;
  /** This browser's own device (never flagged: it is the key we hold). */
  isMe: boolean;
  /** `new`: first time this device is seen by us; `changed`: the user's key differs from the one we saw before. */
  trust: 'known' | 'new' | 'changed';
}

export interface ChatMessage {
  id: string;
  fromUserId: string;
  fromName: string;
  text: string;
  at: string;
  mine: boolean;
}

export interface E2eeView {
  /** False until the E2EE layer is loaded (then media is not end-to-end encrypted). */
  active: boolean;
  ready: boolean;
  safetyCode: string | null;
  epoch: number | null;
  devices: DeviceFingerprint[];
  /** Per participantId. */
  keys: Record<string, KeyStatus>;
  error: string | null;
}

export const NO_E2EE: E2eeView = {
  active: false,
  ready: false,
  safetyCode: null,
  epoch: null,
  devices: [],
  keys: {},
  error: null,
};

/** What the call needs from the E2EE layer; `load-e2ee.ts` adapts the real module to this. */
export interface CallCrypto {
  readonly active: boolean;
  /**
   * Before joining (on the pre-join screen): load or register this browser's MLS device and its key packages.
   * Resolves with the device id that `call.join` names (binding our media to our MLS leaf), or null without E2EE.
   */
  prepare(): Promise<string | null>;
  /**
   * Admitted: join (or create) the call's MLS group. Runs alongside publishing and subscribing: no frame is sent or
   * shown before the keys are in, whatever the order.
   */
  begin(info: { mlsContext: string; participantId: string }): Promise<void>;
  /** Settings every peer connection of the call needs (the encoded-streams fallback must be switched on). */
  peerConfig(base: RTCConfiguration): RTCConfiguration;
  /** Codec preferences a video sender needs (whole-frame encryption breaks H.264 packetisation). */
  prepareVideo(transceiver: RTCRtpTransceiver): void;
  attachSender(sender: RTCRtpSender, stream: 'main' | 'screen'): void;
  attachReceiver(receiver: RTCRtpReceiver, participantId: string): void;
  /** The roster changed (joiners to add, leavers to remove, device ids to check). */
  roster(participants: CallParticipant[], me: string): void;
  onView(cb: (v: E2eeView) => void): () => void;
  sendChat(text: string): Promise<void>;
  onChat(cb: (m: ChatMessage) => void): () => void;
  /** The person leaves the call: hand our MLS leaf back so a remaining member removes it at once. */
  leave(): Promise<void>;
  close(): Promise<void>;
}

/** Until the E2EE layer is present: media flows as DTLS-SRTP to the SFU only, and the UI says so. */
export class ClearCrypto implements CallCrypto {
  readonly active = false;
  async prepare(): Promise<string | null> {
    return null;
  }
  async begin(): Promise<void> {}
  peerConfig(base: RTCConfiguration): RTCConfiguration {
    return base;
  }
  prepareVideo(): void {}
  attachSender(): void {}
  attachReceiver(): void {}
  roster(): void {}
  async leave(): Promise<void> {}
  onView(cb: (v: E2eeView) => void): () => void {
    cb(NO_E2EE);
    return () => {};
  }
  async sendChat(): Promise<void> {
    throw new Error('In-call chat needs end-to-end encryption, which this build does not have.');
  }
  onChat(): () => void {
    return () => {};
  }
  async close(): Promise<void> {}
}
