import { type DeliveryApi, type GroupEvents, WelcomeTopic } from '@parley/e2ee';
/**
 * A call's end-to-end encryption, as the call session uses it: MLS group keys (RFC 9420) through the Delivery
 * Service, SFrame (RFC 9605) on every encoded frame in a dedicated worker, and in-call chat as MLS application
 * messages. One view (`CallE2eeView`) is what the call room shows.
 *
 * ```ts
 * if (!supportsE2ee()) showError('This browser cannot encrypt calls end to end, so it cannot join.');
 * const e2ee = new CallE2ee({ meetingId, userId });
 * send({ type: 'call.join', deviceId: await e2ee.prepare() });   // on the pre-join screen: device, key packages
 * // after `call.joined`, while media is set up (frames wait for the keys):
 * await e2ee.begin();
 * const pc = new RTCPeerConnection(e2ee.peerConfig({ iceServers, bundlePolicy: 'max-bundle' }));
 * e2ee.attachSender(pc.addTrack(track, stream));        // before negotiating; audio, video and screen alike
 * pc.ontrack = (ev) => e2ee.attachReceiver(ev.receiver, participantIdForMid(ev.transceiver.mid));
 * e2ee.setRoster(callState.participants);               // on every `call.state`
 * e2ee.onView(render); e2ee.onChat(append); await e2ee.sendChat('text');
 * await e2ee.leave(); e2ee.close();                     // leave: the server has a remaining member remove us at once
 * ```
 *
 * Guarantees:
 * - A sender never emits a plaintext frame: until this device holds the epoch's key, frames are dropped. Audio is
 *   encrypted whole (RFC 9605); VP8 keeps its payload header in clear, authenticated as SFrame metadata, because
 *   Chromium's depacketiser needs it to find key frames (see frame-cryptor.ts).
 * - A receiver accepts only frames whose (authenticated) KID names the MLS leaf of the participant the receiver was
 *   attached for, so the SFU cannot pass one participant's media off as another's.
 * - SFrame keys enter the worker as raw base keys, are imported non-extractable there and never come back; the page
 *   hears counters only. The previous epoch's receive keys live on for the grace only (docs/call-keys.md §7.2).
 * - Every MLS member's key is checked against the hash-chained device-key log; `members[].warning` flags keys this
 *   browser had not seen, or a log that no longer extends what it saw.
 * - Chat history starts when this device joined: earlier messages cannot be read.
 */
import { http } from '../api/client.js';
import { realtime } from '../api/realtime.js';
import { fromUtf8, utf8 } from './bytes.js';
import { CallKeyManager } from './call-key-manager.js';
import { buildState, type MemberFacts, onScreen, participantLeaves } from './call-state.js';
import { LocalDevice } from './device.js';
import { DeviceStore } from './device-store.js';
import { MediaCrypto } from './media-crypto.js';
import { callLockName, e2eePeerConnectionConfig, preferE2eeVideoCodecs } from './support.js';
import { welcomeJoiner } from './welcome-joiner.js';

/** How long a joining tab waits for another tab of the same person to let go of the call's keys. */
const LOCK_WAIT_MS = 10_000;

import { DeviceTrust } from './trust.js';
import type { CallE2eeView, ChatMessage, RosterEntry } from './types.js';

/** Why the key layer refused, named so the call page can say it in the reader's language. */
export type KeyLayerRefusal = 'open_elsewhere' | 'nothing_to_send' | 'keys_not_ready' | 'not_started';

const ENGLISH: Record<KeyLayerRefusal, string> = {
  open_elsewhere: 'This call is already open in another tab of this browser.',
  nothing_to_send: 'Nothing to send.',
  keys_not_ready: 'The call’s keys are not ready.',
  not_started: 'End-to-end encryption has not started yet.',
};

export class KeyLayerError extends Error {
  constructor(readonly refusal: KeyLayerRefusal) {
    super(ENGLISH[refusal]);
  }
}

export interface CallE2eeOptions {
  meetingId: string;
  userId: string;
  /**
   * The MLS context keying this call when it is not the meeting's plenary: a side's caucus
   * (`caucus-call:<meetingId>:<sideId>`, docs/call-keys.md §12), with its own group, keys, worker and chat.
   */
  context?: string;
  /** Label of this browser's device in the device list (set on first registration only). */
  deviceLabel?: string;
  api?: DeliveryApi;
  ws?: GroupEvents;
  /** IndexedDB database name; only tests change it. */
  storeName?: string;
}

const MAX_CHAT_CHARS = 4000;

export class CallE2ee {
  readonly #options: CallE2eeOptions;
  readonly #api: DeliveryApi;
  readonly #ws: GroupEvents;
  readonly #store: DeviceStore;
  readonly #trust: DeviceTrust;
  readonly #viewers = new Set<(view: CallE2eeView) => void>();
  /** What was on screen in the view last handed to the viewers (`onScreen`). */
  #shown: string | null = null;
  readonly #chatters = new Set<(message: ChatMessage) => void>();
  #media: MediaCrypto | undefined;
  #device: LocalDevice | undefined;
  #preparing: Promise<string> | undefined;
  #started: Promise<void> | undefined;
  #manager: CallKeyManager | undefined;
  #roster: RosterEntry[] = [];
  #rosterPeople = '';
  #members: MemberFacts[] = [];
  /** Members whose key the device-key log refused: their leaves are never bound to a participant. */
  readonly #refused = new Set<string>();
  #refreshing = Promise.resolve();
  #error: string | null = null;
  #closed = false;
  #releaseLock: () => void = () => {};
  readonly #welcomes: WelcomeTopic;

  constructor(options: CallE2eeOptions) {
    this.#options = options;
    this.#api = options.api ?? http;
    this.#ws = options.ws ?? realtime;
    this.#store = new DeviceStore(options.storeName);
    this.#trust = new DeviceTrust(this.#api, this.#store);
    this.#welcomes = new WelcomeTopic(this.#ws, `user:${options.userId}`);
  }

  /** This browser's MLS device once loaded or registered (what `call.join` names), else null. */
  get deviceId(): string | null {
    return this.#device?.deviceId ?? null;
  }

  get view(): CallE2eeView {
    const manager = this.#manager;
    return buildState({
      phase: manager?.phase ?? (this.#closed ? 'ended' : 'starting'),
      epoch: manager?.session?.active ? manager.session.epoch : null,
      safetyCode: manager?.safetyCode ?? null,
      deviceId: this.deviceId,
      roster: this.#roster,
      members: this.#members,
      stats: this.#media?.stats ?? { type: 'stats', encrypted: 0, droppedNoKey: 0, receivers: {} },
      error: manager?.error ?? this.#error,
    });
  }

  /**
   * Before joining (on the pre-join screen): loads or registers this browser's device and its key packages, which
   * need no admission (docs/call-keys.md §5.1). Resolves with the device id; after a failure, the next call tries
   * again from scratch (a passing network error should not need a reload).
   */
  prepare(): Promise<string> {
    if (!this.#preparing) {
      if (!this.#media) {
        this.#media = new MediaCrypto((message) => {
          this.#error = message;
          this.#emit();
        });
        this.#media.onStats(() => this.#emit());
      }
      // The MLS worker loads while the person looks at the preview, so the Welcome finds it ready (§11).
      welcomeJoiner();
      // Our personal topic is where the Welcome is pushed: subscribed from the pre-join screen on, so the server
      // already forwards it when someone adds us moments after admission.
      this.#welcomes.hold();
      const { userId, deviceLabel } = this.#options;
      const preparing = (async () => {
        const device = await LocalDevice.open(this.#api, this.#store, userId, deviceLabel);
        this.#device = device;
        await device.replenish();
        this.#emit();
        return device.deviceId;
      })();
      this.#preparing = preparing;
      preparing.catch(() => {
        if (this.#preparing === preparing) this.#preparing = undefined;
      });
    }
    return this.#preparing;
  }

  /**
   * Admitted: joins (or creates) the call's MLS group; idempotent. Runs alongside publishing and subscribing: no
   * frame is sent or shown before the keys are in, whatever the order. Rejects if the call is open in another tab;
   * later failures show in the view's `error`.
   */
  begin(): Promise<void> {
    this.#welcomes.keep();
    this.#started ??= (async () => {
      const locks = (globalThis.navigator as Navigator | undefined)?.locks;
      if (locks) {
        // A tab this join superseded lets go of the lock as it moves away: wait for that rather than fail, because
        // giving up here would make this tab leave, and with it the person's one place in the call (§8.4).
        const held = await new Promise<boolean>((resolve) => {
          locks
            .request(
              callLockName(this.#options.context ?? this.#options.meetingId, this.#options.userId),
              { signal: AbortSignal.timeout(LOCK_WAIT_MS) },
              (lock) => {
                resolve(lock !== null);
                return new Promise<void>((release) => (this.#releaseLock = release));
              },
            )
            .catch(() => resolve(false));
        });
        if (!held) throw new KeyLayerError('open_elsewhere');
      }
      await this.prepare();
      if (this.#closed || !this.#device) return this.#releaseLock();
      const media = this.#media!;
      const manager = new CallKeyManager(
        this.#options.meetingId,
        this.#options.context,
        this.#device,
        this.#store,
        this.#trust,
        this.#welcomes.events(),
        this.#api,
        {
          keys: (message) => media.setKeys(message),
          changed: () => this.#refresh(),
          application: (data, from, seq, at) => this.#received(data, from, seq, at),
          firstPicture: media.firstPicture,
        },
      );
      this.#manager = manager;
      manager.setRoster(this.#roster);
      void manager.start().catch((error: unknown) => {
        this.#error = error instanceof Error ? error.message : String(error);
        this.#emit();
      });
    })();
    return this.#started;
  }

  /** Settings every peer connection of the call needs (the encoded-streams fallback must be switched on). */
  peerConfig(base: RTCConfiguration): RTCConfiguration {
    return e2eePeerConnectionConfig(base);
  }

  /** Codec preferences a video sender needs (whole-frame encryption breaks H.264 packetisation). */
  prepareVideo(transceiver: RTCRtpTransceiver): void {
    preferE2eeVideoCodecs(transceiver);
  }

  /** Encrypts everything `sender` sends; right after addTrack/addTransceiver, before negotiating. */
  attachSender(sender: RTCRtpSender): void {
    this.#requireMedia().attachSender(sender);
  }

  /** Decrypts what `receiver` gets, from `participantId`'s device only; again to rebind it to another participant. */
  attachReceiver(receiver: RTCRtpReceiver, participantId: string): void {
    this.#requireMedia().attachReceiver(receiver, participantId);
  }

  /** The call's roster changed: joiners to add, leavers to remove, device ids to bind to MLS leaves. */
  setRoster(participants: readonly RosterEntry[]): void {
    this.#roster = participants.map((p) => ({
      participantId: p.participantId,
      userId: p.userId,
      deviceId: p.deviceId,
      displayName: p.displayName,
      ...(p.keyPackage ? { keyPackage: p.keyPackage } : {}),
    }));
    // A joiner's log rides with the key package claimed at admission, read then by the server: as fresh as a fetch,
    // and the Add checks the package against it without one (docs/call-keys.md §5.2 item 4).
    const carried = new Set<string>();
    for (const p of participants)
      if (p.keyPackage && p.deviceLog) {
        this.#trust.accept(p.userId, p.deviceLog);
        carried.add(p.userId);
      }
    // Speaking and mute flags change the roster often; the device logs are read afresh only when who is in the
    // call (or with which device) changed, and only once that join has settled (`DeviceTrust.recheck`).
    const people = this.#roster
      .map((r) => `${r.userId}:${r.deviceId ?? ''}`)
      .sort()
      .join(',');
    if (people !== this.#rosterPeople) {
      const others = this.#roster.map((r) => r.userId).filter((u) => !carried.has(u));
      this.#trust.prefetch(others);
      void this.#trust.recheck(others).then(() => this.#refresh());
    }
    this.#rosterPeople = people;
    this.#manager?.setRoster(this.#roster);
    this.#refresh();
  }

  /** Called at once with the current view, then on every change. */
  onView(cb: (view: CallE2eeView) => void): () => void {
    this.#viewers.add(cb);
    cb(this.view);
    return () => this.#viewers.delete(cb);
  }

  /**
   * Every chat message once: others' as they arrive, ours when the Delivery Service took it (MLS never lets a
   * sender decrypt its own application message, so it never comes back).
   */
  onChat(cb: (message: ChatMessage) => void): () => void {
    this.#chatters.add(cb);
    return () => this.#chatters.delete(cb);
  }

  async sendChat(text: string): Promise<ChatMessage> {
    const trimmed = text.trim().slice(0, MAX_CHAT_CHARS);
    if (!trimmed) throw new KeyLayerError('nothing_to_send');
    await this.#started;
    const manager = this.#manager;
    if (!manager) throw new KeyLayerError('keys_not_ready');
    const { seq } = await manager.sendApplication(utf8(JSON.stringify({ type: 'chat', text: trimmed })));
    const at = new Date().toISOString();
    return this.#deliver({ seq, at, text: trimmed, userId: this.#options.userId, deviceId: this.deviceId ?? '' }, true);
  }

  /** The person leaves the call: hand our MLS leaf back so a remaining member removes it at once (§6.1). */
  async leave(): Promise<void> {
    await this.#started?.catch(() => undefined);
    await this.#manager?.leave().catch(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#welcomes.release();
    this.#manager?.close();
    this.#media?.close();
    this.#trust.close();
    this.#releaseLock();
    this.#emit();
    this.#viewers.clear();
    this.#chatters.clear();
    void this.#store.close();
  }

  #requireMedia(): MediaCrypto {
    // Media is never set up before `prepare` (the session awaits it before joining).
    if (!this.#media) throw new KeyLayerError('not_started');
    return this.#media;
  }

  /**
   * Only when the view changed in something on screen: not for frame counts alone (the worker reports them twice a
   * second) nor for a step that changed nothing visible; each new view re-renders the call room.
   */
  #emit(): void {
    if (this.#viewers.size === 0) return;
    const view = this.view;
    const shown = onScreen(view);
    if (shown === this.#shown) return;
    this.#shown = shown;
    for (const cb of this.#viewers) cb(view);
  }

  /**
   * Pushes the participant → leaf binding at once, then re-checks member keys against the device-key log (for the
   * verify list's warnings) and pushes it again without any member that failed. Binding first is safe: MLS accepted
   * every leaf only after the same check (`verifyMember`), and waiting for the logs would leave a joiner's first
   * frames unattributed (dropped) for a round trip (docs/call-keys.md §11).
   */
  #refresh(): void {
    const media = this.#media;
    const session = this.#manager?.session;
    if (media && session?.active)
      media.setParticipants(
        participantLeaves(
          this.#roster,
          session.members().filter((m) => !this.#refused.has(`${m.userId}:${m.deviceId}`)),
        ),
      );
    this.#emit();
    this.#refreshing = this.#refreshing.then(async () => {
      this.#members = await this.#trust.assessMembers(this.#manager?.session);
      this.#refused.clear();
      for (const m of this.#members) if (!m.verified) this.#refused.add(`${m.userId}:${m.deviceId}`);
      media?.setParticipants(
        participantLeaves(
          this.#roster,
          this.#members.filter((m) => m.verified),
        ),
      );
      this.#emit();
    });
  }

  #received(data: Uint8Array, from: { userId: string; deviceId: string }, seq: number, at: string): void {
    let text: string;
    try {
      const parsed = JSON.parse(fromUtf8(data)) as { type?: unknown; text?: unknown };
      if (parsed.type !== 'chat' || typeof parsed.text !== 'string') return;
      text = parsed.text.slice(0, MAX_CHAT_CHARS);
    } catch {
      return;
    }
    this.#deliver({ seq, at, text, ...from }, false);
  }

  #deliver(m: { seq: number; at: string; text: string; userId: string; deviceId: string }, mine: boolean) {
    const who = this.#roster.find((p) => p.deviceId === m.deviceId) ?? this.#roster.find((p) => p.userId === m.userId);
    const message: ChatMessage = {
      ...m,
      participantId: who?.participantId ?? null,
      displayName: who?.displayName ?? 'Former participant',
      mine,
    };
    for (const cb of this.#chatters) cb(message);
    return message;
  }
}
