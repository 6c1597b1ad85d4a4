import {
  type CallStream,
  FIRST_SUBSTREAM,
  type IceServer,
  type Substream,
  subscriptionFeeds,
  subscriptionKey,
} from '@parley/protocol';
import type { CallE2ee } from '../e2ee/call-e2ee';
import { InterpreterBooth } from './interpreter-booth';
import { LayerRequests } from './layers';
import { Publisher } from './publisher';
import type { CallSignalling } from './signalling';
import { type CallSnapshot, INITIAL } from './snapshot';
import { type InboundStat, inboundStats, type OutboundStat, outboundStats } from './stats';
import { Subscriber } from './subscriber';

/** A camera's layers up to the one a new receiver gets first. */
const FIRST_LAYERS: Substream[] = [0, FIRST_SUBSTREAM];

/**
 * The media half of a participation in a call: the snapshot React reads, the published streams (camera and
 * microphone, screen share, an interpreter's channel), the subscription, the simulcast layers asked for and the
 * connection health. `CallSession` adds the signalling and the lifecycle on top.
 */
export abstract class CallMedia {
  protected state: CallSnapshot = INITIAL;
  private listeners = new Set<() => void>();
  protected publishers = new Map<CallStream, Publisher>();
  /** The camera's publisher, built before admission (`Publisher.ahead`); taken by the first publish. */
  private ahead: Publisher | null = null;
  protected subscriber: Subscriber | null = null;
  protected iceServers: IceServer[] = [];
  /** The camera layers someone receives, as the server last said (docs/architecture.md §4.2); null: every layer. */
  private cameraLayers: Substream[] | null = null;
  /** The subscribed feed set last sent, so a roster change that keeps it sends nothing. */
  protected feedsKey = '';
  protected readonly layers = new LayerRequests(
    () => this.cameraMids(),
    (layers) => void this.signal.send({ type: 'call.layers', layers }),
  );
  /** An assigned interpreter's channel, when on air (docs/call-keys.md §13). */
  readonly booth = new InterpreterBooth({
    canPublish: () => this.state.phase === 'joined' && !this.state.away,
    publish: (media) => this.publish('interp', media),
    replaceTrack: async (track) => this.publishers.get('interp')?.replaceTrack(track),
    unpublish: () => {
      this.closePublication('interp');
      if (this.state.phase === 'joined') void this.signal.send({ type: 'call.unpublish', stream: 'interp' });
    },
  });

  protected constructor(
    protected readonly signal: CallSignalling,
    readonly e2ee: CallE2ee,
  ) {}

  /** The receiving connection failed for good: the session joins again for a fresh media session. */
  protected abstract resubscribe(): void;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  snapshot = (): CallSnapshot => this.state;

  /** Media statistics for diagnostics (and the end-to-end tests). */
  inboundStats(): Promise<InboundStat[]> {
    return inboundStats(this.subscriber);
  }

  /** What the camera sends, one entry per simulcast layer (diagnostics and the end-to-end tests). */
  outboundStats(): Promise<OutboundStat[]> {
    return outboundStats(this.publishers.get('main') ?? null);
  }

  /**
   * A remote camera's tile is now `heightPx` device pixels tall: receive the simulcast layer that fits it (the
   * SFU switches at that layer's next key frame, under the same keys).
   */
  tileSize = (participantId: string, heightPx: number): void => this.layers.want(participantId, heightPx);

  /** The server says which of the camera's layers someone receives: encode those (docs/architecture.md §4.2). */
  protected cameraReceived(substreams: Substream[]): Promise<void> | undefined {
    this.cameraLayers = substreams;
    return this.publishers.get('main')?.encodings.received(substreams);
  }

  private cameraMids(): Map<string, string> | null {
    const sub = this.subscriber;
    if (this.state.phase !== 'joined' || !sub) return null;
    const mids = new Map<string, string>();
    for (const r of sub.remote.values()) if (r.stream === 'main' && r.videoMid) mids.set(r.participantId, r.videoMid);
    return mids;
  }

  protected closePublication(stream: CallStream): void {
    this.publishers.get(stream)?.close();
    this.publishers.delete(stream);
  }

  /** Every publication and the subscription closed, locally only (the caller says what the server hears). */
  protected closeMedia(): void {
    for (const p of this.publishers.values()) p.close();
    this.publishers.clear();
    this.subscriber?.close();
    this.subscriber = null;
    this.feedsKey = '';
  }

  /**
   * (Re)creates every publication and the subscription from scratch: after joining and after an SFU restart.
   * `subscribed`: what the server subscribed us to as it admitted us; its offer is on its way (docs/call-keys.md §11).
   */
  protected async republishAll(subscribed?: string[]): Promise<void> {
    this.closeMedia();
    if (subscribed) this.feedsKey = subscriptionKey(subscribed);
    const { local, screen } = this.state;
    if (local) await this.publish('main', local);
    if (screen) await this.publish('screen', screen);
    if (this.booth.stream) await this.publish('interp', this.booth.stream);
    this.sendMediaState();
    await this.updateSubscription();
  }

  /**
   * Builds the camera's publisher before admission (docs/call-keys.md §11): on the pre-join screen as soon as the
   * preview has a camera, again at the click only if the camera changed since.
   */
  protected buildAhead(local: MediaStream): void {
    if (this.ahead?.media === local) return;
    this.dropAhead();
    this.ahead = Publisher.ahead('main', local, this.signal, this.e2ee);
  }

  protected dropAhead(): void {
    this.ahead?.close();
    this.ahead = null;
  }

  /** The publisher built ahead, if it was built for `media` (the camera may have changed since); dropped otherwise. */
  private takeAhead(media: MediaStream): Publisher | null {
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead?.media === media) return ahead;
    ahead?.close();
    return null;
  }

  protected async publish(stream: CallStream, media: MediaStream): Promise<void> {
    if (this.state.phase !== 'joined') return;
    const pub = (stream === 'main' && this.takeAhead(media)) || new Publisher(stream, media, this.signal, this.e2ee);
    this.publishers.set(stream, pub);
    pub.onConnected = () => this.refreshHealth();
    pub.onFailure = () => this.refreshHealth();
    await pub.start(this.iceServers);
    // Until the server says who receives what, the layers a new receiver starts at (docs/architecture.md §4.2).
    if (stream === 'main') await pub.encodings.received(this.cameraLayers ?? FIRST_LAYERS);
  }

  protected ensureSubscriber(): Subscriber {
    if (this.subscriber) return this.subscriber;
    const sub = new Subscriber(this.iceServers, this.signal, this.e2ee);
    sub.onRemote = (remote) => {
      this.set({ remote });
      this.refreshHealth();
      this.layers.schedule();
    };
    sub.onFailure = () => this.resubscribe();
    sub.onStateChange = () => this.refreshHealth();
    this.subscriber = sub;
    // A new subscription starts every camera at the middle layer: ask again for what the tiles want.
    this.layers.plan.reset();
    return sub;
  }

  /** Subscribes to `subscriptionFeeds`; sent only when that set changes (speaking flags change often). */
  protected async updateSubscription(): Promise<void> {
    if (this.state.phase !== 'joined' || this.state.away) return;
    // A roster that does not list us is an earlier join's (or none yet): subscribing from it would undo what the
    // server subscribed us to at admission (docs/call-keys.md §11). The roster that lists us follows at once.
    if (!this.state.participants.some((p) => p.participantId === this.state.participantId)) return;
    const feeds = subscriptionFeeds(this.state.participants, this.state.participantId, this.state.listening);
    const key = subscriptionKey(feeds.map((f) => f.feedId));
    if (key === this.feedsKey) return;
    this.feedsKey = key;
    this.ensureSubscriber();
    await this.signal.send({ type: 'call.subscribe', feeds });
  }

  private refreshHealth(): void {
    const states = [...this.publishers.values()].map((p) => p.connectionState);
    if (this.subscriber) states.push(this.subscriber.connectionState);
    const media = states.every((s) => s === 'connected')
      ? 'connected'
      : states.some((s) => s === 'failed')
        ? 'reconnecting'
        : this.state.media;
    if (media !== this.state.media) this.set({ media, notice: media === 'connected' ? null : this.state.notice });
  }

  protected sendMediaState(): void {
    if (this.state.phase !== 'joined' || this.state.away) return;
    void this.signal.send({ type: 'call.media-state', audio: this.state.audio, video: this.state.video });
  }

  protected set(patch: Partial<CallSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
