import type { CallErrorCode, CallServerMessage } from '@parley/protocol';
import { type CallE2ee, KeyLayerError, type KeyLayerRefusal } from '../e2ee/call-e2ee';
import type { MessageId } from '../i18n/catalogue';
import { t } from '../i18n/intl';
import { SaidError } from '../i18n/said';
import { CallMedia } from './call-media';
import { CallSignalling } from './signalling';
import type { CallSnapshot } from './snapshot';

/** What a refusal means to the person; codes without words here show the server's message. */
const ERROR_TEXT: Partial<Record<CallErrorCode, MessageId>> = {
  not_found: 'call-room.err_not_found',
  not_running: 'call-room.err_not_running',
  forbidden: 'call-room.err_forbidden',
  unknown_device: 'call-room.err_unknown_device',
  media_unavailable: 'call-room.err_media_unavailable',
  rate_limited: 'call-room.err_rate_limited',
};
/** The key layer's refusals in the reader's language. */
const KEY_LAYER_TEXT: Record<KeyLayerRefusal, MessageId> = {
  open_elsewhere: 'call-room.keyLayerOpenElsewhere',
  nothing_to_send: 'call-room.keyLayerNothingToSend',
  keys_not_ready: 'call-room.keyLayerKeysNotReady',
  not_started: 'call-room.keyLayerNotStarted',
};
const said = (err: unknown): unknown =>
  err instanceof KeyLayerError ? new SaidError(KEY_LAYER_TEXT[err.refusal]) : err;
const reasonOf = (error: unknown) => {
  const err = said(error);
  return err instanceof SaidError ? t(err.id, err.values) : err instanceof Error ? err.message : String(err);
};

/**
 * One participation in a meeting's call: signalling, the published streams, the subscription and the roster.
 * React reads it through `subscribe`/`snapshot` (useSyncExternalStore); every change replaces the snapshot.
 */
export class CallSession extends CallMedia {
  private joinClickedAt = 0;
  private e2eeStarted = false;
  /** The device preparation the pre-join screen's state follows. */
  private preparing: Promise<string> | null = null;
  private offs: (() => void)[] = [];

  constructor(
    readonly meetingId: string,
    e2ee: CallE2ee,
    /** Set for a side's caucus: the call whose parent is the meeting's plenary (docs/call-keys.md §12). */
    readonly caucusId?: string,
  ) {
    super(new CallSignalling(meetingId, caucusId), e2ee);
    this.offs.push(
      this.signal.on((m) => void this.handle(m).catch((err) => this.fail(err))),
      this.signal.onReconnect(() => this.rejoinAfterReconnect()),
      e2ee.onView((view) => this.set({ e2ee: view })),
      e2ee.onChat((msg) => this.set({ chat: [...this.state.chat, msg].slice(-500) })),
    );
  }

  /** Loads or registers the E2EE device while the person is still on the pre-join screen; repeatable. */
  prepare(): Promise<string> {
    const p = this.e2ee.prepare();
    if (p !== this.preparing) {
      this.preparing = p;
      this.set({ device: 'preparing' });
      p.then(
        () => this.preparing === p && this.set({ device: 'ready' }),
        () => this.preparing === p && this.set({ device: 'failed' }),
      );
    }
    return p;
  }

  /**
   * The pre-join preview has its camera: the camera's connection and its encrypted senders are built now, while the
   * person looks at the preview, rather than on the click, where the build held up the page as admission came back
   * (docs/call-keys.md §11). Nothing is negotiated or sent before the join.
   */
  warm(local: MediaStream): void {
    if (this.state.phase !== 'idle' && this.state.phase !== 'error') return;
    try {
      this.buildAhead(local);
    } catch (err) {
      // Only a head start: the join builds the connection itself and reports what fails there.
      console.warn('call: building the camera connection ahead failed', err);
    }
  }

  async join(local: MediaStream, opts: { audio: boolean; video: boolean }): Promise<void> {
    for (const t of local.getAudioTracks()) t.enabled = opts.audio;
    for (const t of local.getVideoTracks()) t.enabled = opts.video;
    this.joinClickedAt = performance.now();
    this.set({ phase: 'joining', local, audio: opts.audio, video: opts.video, error: null });
    try {
      // Normally settled long before the click; the first `call.join` names the device, so there is no second one.
      await this.prepare();
    } catch (err) {
      return this.set({
        phase: 'error',
        error: t('call-room.e2eeCouldNotStart', { reason: reasonOf(err) }),
      });
    }
    if (!(await this.signal.send(this.joinMessage()))) {
      this.set({ phase: 'error', error: t('call-room.serverUnreachable') });
      return;
    }
    if (this.state.phase === 'joining') this.buildAhead(local);
  }

  setAudio(on: boolean): void {
    for (const t of this.state.local?.getAudioTracks() ?? []) t.enabled = on;
    this.set({ audio: on, notice: null });
    this.sendMediaState();
  }

  setVideo(on: boolean): void {
    for (const t of this.state.local?.getVideoTracks() ?? []) t.enabled = on;
    this.set({ video: on });
    this.sendMediaState();
  }

  /**
   * A new camera or microphone mid-call: swapped on the sender, no renegotiation. An interpreter on air takes the
   * new microphone to their channel too.
   */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const local = this.state.local;
    if (!local) return;
    track.enabled = track.kind === 'audio' ? this.state.audio : this.state.video;
    const old = local.getTracks().find((t) => t.kind === track.kind);
    await this.publishers.get('main')?.replaceTrack(track);
    if (track.kind === 'audio') await this.booth.switchMicrophone(track);
    const next = new MediaStream([...local.getTracks().filter((t) => t !== old), track]);
    old?.stop();
    this.set({ local: next });
  }

  async startShare(screen: MediaStream): Promise<void> {
    if (this.state.screen) this.stopShare();
    for (const t of screen.getVideoTracks()) t.addEventListener('ended', () => this.stopShare(), { once: true });
    this.set({ screen });
    if (this.state.phase === 'joined' && !this.state.away) await this.publish('screen', screen);
  }

  stopShare(): void {
    const screen = this.state.screen;
    if (!screen) return;
    for (const t of screen.getTracks()) t.stop();
    this.closePublication('screen');
    this.set({ screen: null });
    if (this.state.phase === 'joined') void this.signal.send({ type: 'call.unpublish', stream: 'screen' });
  }

  /**
   * Listens to an interpreter's channel (their participant id) or, with null, to the floor alone. Only the chosen
   * channel is subscribed: a Floor listener receives no interpretation stream at all (docs/call-keys.md §13).
   */
  setListening(participantId: string | null): void {
    if (participantId === this.state.listening) return;
    this.set({ listening: participantId });
    void this.updateSubscription();
  }

  /**
   * An assigned interpreter goes on air: their microphone goes to the channel (one SFrame counter per key across
   * all of the device's tracks, docs/call-keys.md §13) and is muted towards the floor.
   */
  async startInterpreting(): Promise<void> {
    const mic = this.state.local?.getAudioTracks()[0];
    if (!mic || this.state.interpreting) return;
    this.setAudio(false);
    this.set({ interpreting: true });
    await this.booth.start(mic);
  }

  /** Off air: on the person's click, or at once when a chair ends their assignment (`notice` says so). */
  stopInterpreting(notice?: string): void {
    if (!this.state.interpreting) return;
    this.booth.stop();
    this.set({ interpreting: false, ...(notice ? { notice } : {}) });
  }

  admit = (participantId: string) => void this.signal.send({ type: 'call.admit', participantId });
  deny = (participantId: string) => void this.signal.send({ type: 'call.deny', participantId });
  requestMute = (participantId: string) => void this.signal.send({ type: 'call.mute', participantId });
  remove = (participantId: string) => void this.signal.send({ type: 'call.remove', participantId });
  endForAll = () => void this.signal.send({ type: 'call.end' });
  sendChat = async (text: string): Promise<void> => {
    await this.e2ee.sendChat(text).catch((err: unknown) => {
      throw said(err);
    });
  };

  /**
   * Steps out to the side's caucus: stops publishing and receiving the plenary's media, but stays in the plenary
   * and in its MLS group, so keys keep up with every epoch and the way back needs no rejoin (docs/call-keys.md §12).
   */
  async pause(): Promise<void> {
    if (this.state.phase !== 'joined' || this.state.away) return;
    this.set({ away: true, remote: new Map() });
    this.closeMedia();
    await this.signal.send({ type: 'call.unpublish', stream: 'main' });
    if (this.state.screen) await this.signal.send({ type: 'call.unpublish', stream: 'screen' });
    if (this.booth.onAir) await this.signal.send({ type: 'call.unpublish', stream: 'interp' });
    await this.signal.send({ type: 'call.subscribe', feeds: [] });
  }

  /**
   * Back from the caucus: the SFU cannot take a new browser connection on the old subscriber handle, so we join
   * again (our place is kept); `call.joined` then publishes and subscribes afresh under the plenary's current keys.
   */
  async resume(): Promise<void> {
    if (!this.state.away) return;
    this.set({ away: false, media: 'connecting' });
    if (this.state.phase === 'joined') await this.signal.send(this.joinMessage());
  }
  dismissNotice = () => this.set({ notice: null });

  /** The first remote video frame on screen (reported by the tile). */
  firstFrame(): void {
    if (this.state.firstFrameMs === null && this.joinClickedAt)
      this.set({ firstFrameMs: Math.round(performance.now() - this.joinClickedAt) });
  }

  async leave(): Promise<void> {
    // The call first: the server drops us from everyone's roster before it has our device removed from the key
    // group, so no member adds us back from a roster that still lists us. Our own key-group leave follows.
    if (this.state.phase === 'joined' || this.state.phase === 'lobby' || this.state.phase === 'joining')
      await this.signal.send({ type: 'call.leave' });
    await this.e2ee.leave();
    this.teardown('left');
  }

  /**
   * The call continues in another tab or window of this person: stop here without leaving, so the server keeps the
   * place for the other one, and let go of the E2EE device (the tab's lock and its MLS state) for a tab to take.
   */
  moveAway(): void {
    if (this.state.phase === 'moved') return;
    this.teardown('moved');
    for (const t of this.state.local?.getTracks() ?? []) t.stop();
    this.set({ local: null, notice: null });
    this.e2ee.close();
  }

  /** Stops everything; the session is unusable afterwards. */
  dispose(): void {
    if (['joined', 'lobby', 'joining'].includes(this.state.phase)) void this.signal.send({ type: 'call.leave' });
    this.teardown(this.state.phase);
    for (const off of this.offs) off();
    this.signal.close();
    for (const t of this.state.local?.getTracks() ?? []) t.stop();
    this.e2ee.close();
  }

  private async handle(m: CallServerMessage): Promise<void> {
    switch (m.type) {
      case 'call.lobby':
        return this.set({ phase: 'lobby', participantId: m.participantId });
      case 'call.joined':
        this.iceServers = m.iceServers;
        this.set({ phase: 'joined', participantId: m.participantId, media: 'connecting' });
        if (!this.e2eeStarted) {
          this.e2eeStarted = true;
          // Joining the MLS group runs alongside publishing and subscribing: the worker drops outgoing frames and
          // refuses incoming ones until the keys are in, and asks for key frames once they are.
          void this.e2ee.begin().catch(async (err) => {
            // Without keys nothing may be sent or shown: step out rather than sit in the call half-working.
            await this.signal.send({ type: 'call.leave' });
            this.teardown('error');
            this.set({ error: t('call-room.e2eeCouldNotStart', { reason: reasonOf(err) }) });
          });
        }
        if (this.state.away) return;
        return this.republishAll(m.subscribed);
      case 'call.state': {
        // The key layer first: a member's Add for a joiner starts from this roster (docs/call-keys.md §5.2).
        this.e2ee.setRoster(m.participants);
        this.set({
          participants: m.participants,
          lobby: m.lobby,
          startedAt: m.startedAt,
          caucus: m.caucus,
          sidesInCaucus: m.sidesInCaucus,
        });
        this.layers.plan.forget((id) => m.participants.some((p) => p.participantId === id));
        return this.updateSubscription();
      }
      case 'call.answer':
        return this.publishers.get(m.stream)?.answer(m.jsep);
      case 'call.offer':
        // Stepped out: the plenary's renegotiations wait for the return, which subscribes afresh.
        if (this.state.away) return;
        return this.ensureSubscriber().handleOffer(m);
      case 'call.caucus-recall':
        return this.set({ recalledBy: m.byName });
      case 'call.camera-layers':
        return this.cameraReceived(m.substreams);
      case 'call.mute-requested':
        this.setAudio(false);
        return this.set({ notice: t('call-room.askedToMute', { name: m.byName }) });
      case 'call.denied':
        return this.teardown('denied');
      case 'call.removed':
        this.teardown('removed');
        return this.set({ error: m.reason });
      case 'call.ended':
        return this.teardown('ended');
      case 'call.media-restart':
        this.set({ media: 'reconnecting', notice: t('call-room.mediaRestarted') });
        if (this.state.away) return;
        return this.republishAll();
      case 'call.error': {
        console.warn(`call.error ${m.code}: ${m.message}`);
        // Races the roster settles by itself: a feed gone before our subscribe, media down until media-restart.
        if (m.code === 'no_such_feed') {
          this.feedsKey = '';
          return;
        }
        if (m.code === 'no_such_stream') return;
        // In the call, a media-restart follows and reconnects; a join refused meanwhile is for the person to retry.
        if (m.code === 'media_unavailable' && this.state.phase !== 'joining') return;
        if (m.code === 'superseded') return this.moveAway();
        // The server's own words say why this person may not join (e.g. a side-only delegate in a shared call).
        const known = ERROR_TEXT[m.code];
        const error = m.code === 'forbidden' || !known ? m.message : t(known);
        if (this.state.phase === 'joining') return this.set({ phase: 'error', error });
        return this.set({ notice: error });
      }
    }
  }

  /**
   * The receiving connection failed for good. The SFU cannot take a new browser connection on the old subscriber
   * handle, so we join again: the server gives us a fresh media session and `call.joined` republishes everything.
   */
  protected resubscribe(): void {
    this.set({ media: 'reconnecting' });
    void this.signal.send(this.joinMessage());
  }

  private rejoinAfterReconnect(): void {
    if (this.state.phase !== 'joined' && this.state.phase !== 'lobby') return;
    this.set({ media: 'reconnecting' });
    void this.signal.send(this.joinMessage());
  }

  private joinMessage() {
    const deviceId = this.e2ee.deviceId;
    return { type: 'call.join' as const, ...(deviceId ? { deviceId } : {}) };
  }

  private teardown(phase: CallSnapshot['phase']): void {
    this.layers.cancel();
    this.closeMedia();
    this.dropAhead();
    for (const t of this.state.screen?.getTracks() ?? []) t.stop();
    this.booth.release();
    this.set({ phase, remote: new Map(), screen: null, lobby: [], participants: [], interpreting: false });
  }

  private fail(err: unknown): void {
    console.error('call', err);
    this.set({ notice: err instanceof Error ? reasonOf(err) : t('call-room.somethingWrong') });
  }
}
