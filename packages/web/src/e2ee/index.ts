/**
 * Parley's browser E2EE layer for calls: MLS group keys (RFC 9420) through the Delivery Service, SFrame (RFC 9605)
 * on every encoded frame in a dedicated worker, and in-call chat as MLS application messages. Framework-free.
 *
 * ```ts
 * import { createCallE2ee, e2eePeerConnectionConfig, supportsE2ee, describeKeyStatus } from '../e2ee';
 *
 * if (!supportsE2ee()) showError('This browser cannot encrypt calls end to end, so it cannot join.');
 * // on the pre-join screen: load or register the device, so `call.join` can name it
 * const e2ee = createCallE2ee({ meetingId, me: { userId }, autoStart: false });   // api/ws: the app's defaults
 * send({ type: 'call.join', deviceId: await e2ee.deviceId });
 * // after `call.joined` (the server admitted us); media may be set up meanwhile (frames wait for the keys):
 * await e2ee.start();
 * const pc = new RTCPeerConnection(e2eePeerConnectionConfig({ iceServers, bundlePolicy: 'max-bundle' }));
 * const sender = pc.addTrack(track, stream);
 * e2ee.attachSender(sender, 'video');            // before negotiating; for audio, video and screen alike
 * pc.ontrack = (ev) => e2ee.attachReceiver(ev.receiver, participantIdForMid(ev.transceiver.mid));
 * //   again with another participantId when the SFU reassigns a receiver (rebinding is cheap)
 * e2ee.setRoster(callState.participants);        // on every `call.state`
 * const off = e2ee.onState((s) => render(s));    // phase, epoch, safetyCode, members, participants, keyWarning
 * e2ee.onChat((m) => appendChat(m));  await e2ee.sendChat('text');
 * await e2ee.leave();  e2ee.close();             // leave: the server has a remaining member remove us at once
 * ```
 *
 * Guarantees:
 * - A sender never emits a plaintext frame: until this device holds the epoch's key, frames are dropped. Audio is
 *   encrypted whole (RFC 9605); VP8 keeps its 3-byte (delta) or 10-byte (key frame) payload header in clear,
 *   authenticated as SFrame metadata, because Chromium's depacketiser needs it to find key frames (without it a
 *   receiver that missed frames at a key change never resumes: seen in e2e/e2ee-call-keys.spec.ts).
 * - A receiver accepts only frames whose (authenticated) KID names the MLS leaf of the participant the receiver was
 *   attached for, so the SFU cannot pass one participant's media off as another's.
 * - SFrame keys enter the worker as raw base keys, are imported non-extractable there and never come back; the page
 *   hears counters only. The previous epoch's receive keys live on for about two seconds (in-flight frames).
 * - Every MLS member's key is checked against the hash-chained device-key log; `members[].warning` flags keys this
 *   browser had not seen, or a log that no longer extends what it saw (`keyWarning` sums it up for a banner).
 * - Chat history starts when this device joined (`chatHistoryStartsAtJoin`): earlier messages cannot be read.
 *
 * Needs: WebRTC encoded transforms (RTCRtpScriptTransform; createEncodedStreams as a fallback, which requires
 * `e2eePeerConnectionConfig()`), whole-frame-safe codecs (VP8 as the Janus room uses, see `preferE2eeVideoCodecs`),
 * IndexedDB (device identity) and Web Locks (one tab per call and device).
 */
import { http } from '../api/client.js';
import { realtime } from '../api/realtime.js';
import { fromUtf8, utf8 } from './bytes.js';
import { CallKeyManager } from './call-key-manager.js';
import { buildState, type MemberFacts, participantLeaves } from './call-state.js';
import { LocalDevice } from './device.js';
import { DeviceStore } from './device-store.js';
import { MediaCrypto } from './media-crypto.js';
import { callLockName } from './support.js';
import { DeviceTrust } from './trust.js';
import type { ChatMessage, E2eeApi, E2eeMe, E2eeRealtime, E2eeState, RosterEntry } from './types.js';

export { buildState, describeKeyStatus, FAILING_AFTER_FRAMES } from './call-state.js';
export { callLockName, e2eeMode, e2eePeerConnectionConfig, preferE2eeVideoCodecs, supportsE2ee } from './support.js';
export type * from './types.js';

export interface CallE2eeOptions {
  meetingId: string;
  me: E2eeMe;
  api?: E2eeApi;
  ws?: E2eeRealtime;
  /** IndexedDB database name; only tests change it. */
  storeName?: string;
  /**
   * false: only load (or register) this browser's device and its key packages now, e.g. on the pre-join screen, and
   * join the call's MLS group on `start()` once admitted. Default true: start at once.
   */
  autoStart?: boolean;
}

export interface CallE2ee {
  /** This browser's device id once registered (what `CallParticipant.deviceId` should name). */
  readonly deviceId: Promise<string>;
  /** Joins (or creates) the call's MLS group; idempotent. Rejects if the call is open in another tab. */
  start(): Promise<void>;
  attachSender(sender: RTCRtpSender, kind: 'audio' | 'video' | 'screen' | string): void;
  attachReceiver(receiver: RTCRtpReceiver, participantId: string): void;
  setRoster(participants: readonly RosterEntry[]): void;
  /** Called at once with the current state, then on every change. */
  onState(cb: (state: E2eeState) => void): () => void;
  getState(): E2eeState;
  sendChat(text: string): Promise<ChatMessage>;
  onChat(cb: (message: ChatMessage) => void): () => void;
  /** Leaves the call's MLS group (ask before close() when the person leaves the call). */
  leave(): Promise<void>;
  close(): void;
}

const MAX_CHAT_CHARS = 4000;

export function createCallE2ee(options: CallE2eeOptions): CallE2ee {
  const api = options.api ?? http;
  const ws = options.ws ?? realtime;
  const store = new DeviceStore(options.storeName);
  const trust = new DeviceTrust(api, store);
  const stateListeners = new Set<(s: E2eeState) => void>();
  const chatListeners = new Set<(m: ChatMessage) => void>();
  let roster: RosterEntry[] = [];
  let rosterPeople = '';
  let members: MemberFacts[] = [];
  let manager: CallKeyManager | undefined;
  let workerError: string | null = null;
  let ownDeviceId: string | null = null;
  let closed = false;
  let releaseLock: () => void = () => {};

  const media = new MediaCrypto((message) => {
    workerError = message;
    emit();
  });

  const state = (): E2eeState =>
    buildState({
      phase: manager?.phase ?? (closed ? 'ended' : 'starting'),
      epoch: manager?.session?.active ? manager.session.epoch : null,
      safetyCode: manager?.safetyCode ?? null,
      deviceId: ownDeviceId,
      roster,
      members,
      stats: media.stats,
      error: manager?.error ?? workerError,
    });
  const emit = () => {
    const s = state();
    for (const l of stateListeners) l(s);
  };
  media.onStats(emit);

  /**
   * Pushes the participant → leaf binding at once, then re-checks member keys against the device-key log (for the
   * Verify panel's warnings) and pushes it again without any member that failed. Binding first is safe: MLS accepted
   * every leaf only after the same check (`verifyMember`), and waiting for the logs would leave a joiner's first
   * frames unattributed (dropped) for a round trip.
   */
  let refreshing = Promise.resolve();
  const refused = new Set<string>();
  const refresh = () => {
    const current = manager?.session;
    if (current?.active)
      media.setParticipants(
        participantLeaves(
          roster,
          current.members().filter((m) => !refused.has(`${m.userId}:${m.deviceId}`)),
        ),
      );
    refreshing = refreshing.then(async () => {
      members = await trust.assessMembers(manager?.session);
      refused.clear();
      for (const m of members) if (!m.verified) refused.add(`${m.userId}:${m.deviceId}`);
      media.setParticipants(
        participantLeaves(
          roster,
          members.filter((m) => m.verified),
        ),
      );
      emit();
    });
  };

  const fail = (error: unknown) => {
    workerError = error instanceof Error ? error.message : String(error);
    emit();
  };

  // The device and its key packages first: they need no admission, so they can be ready before Join is pressed.
  const device = (async () => {
    const d = await LocalDevice.open(api, store, options.me.userId, options.me.deviceLabel);
    ownDeviceId = d.deviceId;
    await d.replenish();
    return d;
  })();
  device.catch(() => undefined); // reported through `deviceId`; `start()` awaits it again

  let started: Promise<void> | undefined;
  const start = () =>
    (started ??= (async () => {
      const locks = (globalThis.navigator as Navigator | undefined)?.locks;
      if (locks) {
        const held = await new Promise<boolean>((resolve) => {
          void locks.request(callLockName(options.meetingId, options.me.userId), { ifAvailable: true }, (lock) => {
            resolve(lock !== null);
            return lock ? new Promise<void>((release) => (releaseLock = release)) : undefined;
          });
        });
        if (!held) throw new Error('This call is already open in another tab of this browser.');
      }
      const d = await device;
      if (closed) return releaseLock();
      manager = new CallKeyManager(options.meetingId, d, store, trust, ws, api, {
        keys: (message) => media.setKeys(message),
        changed: refresh,
        application: (data, from, seq, at) => {
          let text: string;
          try {
            const parsed = JSON.parse(fromUtf8(data)) as { type?: unknown; text?: unknown };
            if (parsed.type !== 'chat' || typeof parsed.text !== 'string') return;
            text = parsed.text.slice(0, MAX_CHAT_CHARS);
          } catch {
            return;
          }
          deliverChat({ seq, at, text, from, mine: false });
        },
      });
      manager.setRoster(roster);
      void manager.start().catch(fail);
    })());

  const autoStart = options.autoStart ?? true;
  // Our personal topic is where the Welcome is pushed: subscribed from the pre-join screen on, so the server
  // already forwards it when someone adds us moments after admission (the manager's listener joins it then).
  const offWelcomeTopic = autoStart ? () => {} : ws.subscribe(`user:${options.me.userId}`, () => {});
  // Started at once, the device id is only handed out once the tab holds the call (as before the split).
  const deviceId = autoStart ? start().then(async () => (await device).deviceId) : device.then((d) => d.deviceId);
  deviceId.catch(fail);

  const deliverChat = (m: {
    seq: number;
    at: string;
    text: string;
    from: { userId: string; deviceId: string };
    mine: boolean;
  }) => {
    const who = roster.find((p) => p.deviceId === m.from.deviceId) ?? roster.find((p) => p.userId === m.from.userId);
    const message: ChatMessage = {
      seq: m.seq,
      userId: m.from.userId,
      deviceId: m.from.deviceId,
      participantId: who?.participantId ?? null,
      displayName: who?.displayName ?? 'Former participant',
      text: m.text,
      at: m.at,
      mine: m.mine,
    };
    for (const l of chatListeners) l(message);
    return message;
  };

  return {
    deviceId,
    start,
    attachSender: (sender, kind) => media.attachSender(sender, kind),
    attachReceiver: (receiver, participantId) => media.attachReceiver(receiver, participantId),
    setRoster(participants) {
      roster = participants.map((p) => ({
        participantId: p.participantId,
        userId: p.userId,
        deviceId: p.deviceId,
        displayName: p.displayName,
      }));
      // Speaking and mute flags change the roster often; the device logs are fetched afresh only when who is in
      // the call (or with which device) changed.
      const people = roster
        .map((r) => `${r.userId}:${r.deviceId ?? ''}`)
        .sort()
        .join(',');
      if (people !== rosterPeople)
        trust.prefetch(
          roster.map((r) => r.userId),
          true,
        );
      rosterPeople = people;
      manager?.setRoster(roster);
      refresh();
    },
    onState(cb) {
      stateListeners.add(cb);
      cb(state());
      return () => stateListeners.delete(cb);
    },
    getState: state,
    async sendChat(text) {
      const trimmed = text.trim().slice(0, MAX_CHAT_CHARS);
      if (!trimmed) throw new Error('Nothing to send.');
      await started;
      if (!manager) throw new Error('The call’s keys are not ready.');
      const { seq } = await manager.sendApplication(utf8(JSON.stringify({ type: 'chat', text: trimmed })));
      const me = manager.session?.members().find((m) => m.leafIndex === manager?.session?.ownLeafIndex);
      return deliverChat({
        seq,
        at: new Date().toISOString(),
        text: trimmed,
        from: { userId: options.me.userId, deviceId: me?.deviceId ?? ownDeviceId ?? '' },
        mine: true,
      });
    },
    onChat(cb) {
      chatListeners.add(cb);
      return () => chatListeners.delete(cb);
    },
    async leave() {
      await started?.catch(() => undefined);
      await manager?.leave();
    },
    close() {
      if (closed) return;
      closed = true;
      offWelcomeTopic();
      manager?.close();
      media.close();
      releaseLock();
      emit();
      stateListeners.clear();
      chatListeners.clear();
      void store.close();
    },
  };
}
