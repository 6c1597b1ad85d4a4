import { randomUUID } from 'node:crypto';
import { type CallStream, type CallTarget, FIRST_SUBSTREAM, type Substream } from '@parley/protocol';
import type { IceCandidate } from '../../janus/client.js';
import {
  type JanusClient,
  type Jsep,
  type RoomHandle,
  VideoRoomParticipant,
  type VideoRoomPublisher,
  type VideoRoomSubscriber,
} from '../../janus/index.js';

/** A subscribed stream as Janus describes it (`streams` of a subscriber join/update/updated). */
export interface JanusStream {
  mid: string;
  type: string;
  feedId: string;
  active: boolean;
}

/** Which offer of which subscriber handle (docs/architecture.md §4.1). */
export interface OfferRef {
  subscription: string;
  offer: number;
}

/** An offer to the browser's receiving connection, numbered on its subscriber handle. */
export interface SubscriptionOffer extends OfferRef {
  jsep: Jsep;
  streams: JanusStream[];
}

export interface MediaEvents {
  /** A publisher PeerConnection is up (or down): its feed can (no longer) be subscribed to. */
  feed(stream: CallStream, feedId: string, live: boolean): void;
  talking(feedId: string, talking: boolean): void;
  /** Janus renegotiated the subscription on its own (a publisher left or arrived): forward the offer. */
  offer(offer: SubscriptionOffer): void;
  /** The layer a new receiver of this feed starts at (`firstLayer`, docs/architecture.md §4.2). */
  firstLayer(feedId: string): Substream;
}

interface Publisher {
  peer: VideoRoomPublisher;
  feedId: string;
  published: boolean;
  /** DTLS fingerprint of the last offer: a different one means a new browser PeerConnection. */
  fingerprint: string | null;
}

const fingerprintOf = (sdp: string) => /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim() ?? null;

export function parseStreams(raw: unknown): JanusStream[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((s: Record<string, unknown>) =>
    typeof s.mid === 'string' && s.feed_id !== undefined
      ? [{ mid: s.mid, type: String(s.type), feedId: String(s.feed_id), active: s.active !== false }]
      : [],
  );
}

/**
 * One admitted participant's presence in the Janus room: one Janus session holding their publisher handles
 * (`main` joined at admission, without media, so they are in the room and may subscribe; `screen` on demand)
 * and one multistream subscriber handle. Nothing here is reachable by another participant.
 */
export class ParticipantMedia {
  private readonly pubs = new Map<CallStream, Publisher>();
  private sub: VideoRoomSubscriber | null = null;
  /** The current subscriber handle's name for the browser, its last offer's number and whether that one waits. */
  private subscription = '';
  private offers = 0;
  private waiting: number | null = null;
  private subscribed = new Map<string, { feed: number; mid?: string }>();
  /** The subscription's video streams by mid: the feed each carries and the layer asked of it (docs/architecture.md §4.2). */
  private videoLayers = new Map<string, { feedId: string; substream: Substream }>();
  /** The layer each feed's video was subscribed at, by feed id, until Janus's offer lists it under a mid. */
  private startedAt = new Map<string, Substream>();
  private privateId = 0;
  closed = false;

  private constructor(
    private readonly session: VideoRoomParticipant,
    readonly room: RoomHandle,
    readonly token: string,
    private readonly display: string,
    private readonly events: MediaEvents,
  ) {}

  static async open(
    client: JanusClient,
    room: RoomHandle,
    token: string,
    display: string,
    events: MediaEvents,
  ): Promise<ParticipantMedia> {
    const media = new ParticipantMedia(await VideoRoomParticipant.open(client), room, token, display, events);
    try {
      await media.publisher('main');
    } catch (err) {
      await media.close();
      throw err;
    }
    return media;
  }

  /** Janus ids of this participant's own publisher handles (what a chair's removal kicks). */
  get janusIds(): number[] {
    return [...this.pubs.values()].map((p) => Number(p.feedId));
  }

  owns(feedId: string): boolean {
    return [...this.pubs.values()].some((p) => p.feedId === feedId);
  }

  private async publisher(stream: CallStream): Promise<Publisher> {
    const existing = this.pubs.get(stream);
    if (existing?.peer.handle.alive) return existing;
    const peer = await this.session.publisher(`parley-${stream}`);
    const joined = await peer.join({ room: this.room.room, token: this.token, display: `${this.display}/${stream}` });
    if (stream === 'main') this.privateId = joined.privateId;
    const pub: Publisher = { peer, feedId: String(joined.id), published: false, fingerprint: null };
    peer.on('webrtcup', () => this.events.feed(stream, pub.feedId, true));
    peer.on('hangup', () => {
      pub.published = false;
      this.events.feed(stream, pub.feedId, false);
    });
    // Every publisher handle hears the room's audio-level events; they are idempotent per feed.
    peer.on('event', (e) => {
      if (e.type === 'talking' || e.type === 'stopped-talking') this.events.talking(String(e.id), e.type === 'talking');
    });
    this.pubs.set(stream, pub);
    return pub;
  }

  /** Publishes (or renegotiates) one stream; the offer is always marked end-to-end encrypted. */
  async publish(stream: CallStream, offer: Jsep): Promise<Jsep> {
    let pub = await this.publisher(stream);
    const fingerprint = fingerprintOf(offer.sdp);
    if (pub.published && pub.fingerprint !== fingerprint) {
      // A new browser PeerConnection (page reloaded, or the browser started afresh): a fresh handle for it.
      await this.dropPublisher(stream);
      pub = await this.publisher(stream);
    }
    const answer = pub.published
      ? await pub.peer.configure({}, offer)
      : await pub.peer.publish(offer, { display: `${this.display}/${stream}` });
    if (!answer) throw new Error('Janus returned no SDP answer');
    pub.published = true;
    pub.fingerprint = fingerprint;
    return answer;
  }

  async unpublish(stream: CallStream): Promise<void> {
    const pub = this.pubs.get(stream);
    if (!pub?.published) return;
    if (stream === 'main') {
      // The browser may have closed the connection first (stepping out to a caucus): then Janus has unpublished it.
      await pub.peer.unpublish().catch(() => {});
      pub.published = false;
      this.events.feed(stream, pub.feedId, false);
    } else await this.dropPublisher(stream);
  }

  private async dropPublisher(stream: CallStream): Promise<void> {
    const pub = this.pubs.get(stream);
    if (!pub) return;
    this.pubs.delete(stream);
    this.events.feed(stream, pub.feedId, false);
    await pub.peer.detach().catch(() => {});
  }

  /**
   * Makes the subscription exactly `feeds` (already checked to be other participants' live feeds). Resolves with
   * Janus's offer when it renegotiates at once; a later renegotiation arrives through `events.offer`.
   */
  async subscribe(feeds: { feedId: string; mid?: string }[]): Promise<SubscriptionOffer | null> {
    const want = new Map(feeds.map((f) => [`${f.feedId}/${f.mid ?? '*'}`, { feed: Number(f.feedId), mid: f.mid }]));
    const clean = (x: { feed: number; mid?: string | undefined }) =>
      x.mid ? { feed: x.feed, mid: x.mid } : { feed: x.feed };
    // A new camera starts at a layer its sender encodes now; the tile then asks for the one that fits.
    const added = (x: { feed: number; mid?: string | undefined }) => {
      const substream = this.events.firstLayer(String(x.feed));
      this.startedAt.set(String(x.feed), substream);
      return { ...clean(x), substream };
    };
    if (!this.sub?.handle.alive) {
      this.sub = null;
      this.subscribed.clear();
      if (want.size === 0) return null;
      const sub = await this.session.subscriber('parley-subscriber');
      // Only the current handle speaks to the browser: a replaced one's late offers would be answered on this one.
      sub.handle.on('event', (d, jsep) => {
        if (this.sub !== sub || this.closed) return;
        if (d.videoroom === 'updated' && jsep?.type === 'offer') this.events.offer(this.numbered(jsep, d.streams));
      });
      const joined = await sub.join({
        room: this.room.room,
        privateId: this.privateId,
        streams: [...want.values()].map(added),
      });
      this.sub = sub;
      this.subscription = randomUUID();
      this.offers = 0;
      this.subscribed = want;
      return this.numbered(joined.offer, joined.streams);
    }
    const subscribe = [...want].filter(([k]) => !this.subscribed.has(k)).map(([, v]) => added(v));
    const unsubscribe = [...this.subscribed].filter(([k]) => !want.has(k)).map(([, v]) => clean(v));
    if (subscribe.length === 0 && unsubscribe.length === 0) return null;
    const res = await this.sub.handle.message<{ streams?: unknown }>({
      request: 'update',
      ...(subscribe.length ? { subscribe } : {}),
      ...(unsubscribe.length ? { unsubscribe } : {}),
    });
    this.subscribed = want;
    // While an offer waits for its answer Janus answers the update without one and offers after that answer.
    return res.jsep?.type === 'offer' ? this.numbered(res.jsep, res.data.streams) : null;
  }

  /** Janus makes one offer at a time per handle: the newest is the one waiting for an answer. */
  private numbered(jsep: Jsep, streams: unknown): SubscriptionOffer {
    this.offers += 1;
    this.waiting = this.offers;
    const parsed = parseStreams(streams);
    this.keepLayers(parsed);
    return { jsep, streams: parsed, subscription: this.subscription, offer: this.offers };
  }

  /** Janus lists the whole subscription in each offer: a mid now carrying another feed starts where it was asked. */
  private keepLayers(streams: JanusStream[]): void {
    const before = this.videoLayers;
    this.videoLayers = new Map();
    for (const s of streams) {
      if (s.type !== 'video' || !s.active) continue;
      const was = before.get(s.mid);
      this.videoLayers.set(s.mid, {
        feedId: s.feedId,
        substream: was?.feedId === s.feedId ? was.substream : (this.startedAt.get(s.feedId) ?? FIRST_SUBSTREAM),
      });
    }
    this.startedAt.clear();
  }

  /** Which layer of each subscribed video feed this participant receives now (cameras and screen shares alike). */
  receivedLayers(): { feedId: string; substream: Substream }[] {
    return this.sub?.handle.alive ? [...this.videoLayers.values()] : [];
  }

  /** Janus dropped a feed from the subscription on its own (its publisher left). */
  forgetFeed(feedId: string): void {
    for (const [k, v] of this.subscribed) if (String(v.feed) === feedId) this.subscribed.delete(k);
    for (const [mid, v] of this.videoLayers) if (v.feedId === feedId) this.videoLayers.delete(mid);
  }

  /**
   * Hands the browser's answer to Janus only when it answers the offer now waiting on the current handle: Janus would
   * take any answer as the answer to that offer. A stale answer (to a replaced handle's offer, or one answered
   * already) is dropped: the browser answers the newer offer it has been sent too.
   */
  async answerSubscription(answer: Jsep, ref: OfferRef): Promise<'answered' | 'stale' | 'none'> {
    if (!this.sub?.handle.alive) return 'none';
    if (ref.subscription !== this.subscription || ref.offer !== this.waiting) return 'stale';
    this.waiting = null;
    await this.sub.start(answer);
    return 'answered';
  }

  /** The simulcast layer per subscribed video mid; false when there is no subscription to configure. */
  async setLayers(layers: { mid: string; substream: Substream }[]): Promise<boolean> {
    if (!this.sub?.handle.alive) return false;
    await this.sub.configure(layers.map((l) => ({ mid: l.mid, substream: l.substream })));
    for (const l of layers) {
      const v = this.videoLayers.get(l.mid);
      if (v) v.substream = l.substream;
    }
    return true;
  }

  /** Candidates go to the caller's own handle for that target, and nowhere else. */
  async trickle(target: CallTarget, candidate: IceCandidate | null): Promise<boolean> {
    const peer = target === 'subscriber' ? this.sub : this.pubs.get(target)?.peer;
    if (!peer?.handle.alive) return false;
    await peer.trickle(candidate);
    return true;
  }

  /** Destroys the Janus session: Janus hangs up and leaves on every handle of this participant. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [stream, pub] of this.pubs) if (pub.published) this.events.feed(stream, pub.feedId, false);
    this.pubs.clear();
    this.sub = null;
    if (this.session.session.alive) await this.session.close().catch(() => {});
  }
}
