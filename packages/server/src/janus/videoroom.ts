import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { JanusClient, JanusHandle, JanusSession, Jsep } from './client.js';
import type { LineRedactor } from './redact.js';

export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';

/** A random room id below 2^53 (Janus ids are uint64; JSON numbers in JS are exact only to 2^53). */
export function randomRoomId(): number {
  return Number(randomBytes(8).readBigUInt64BE(0) & 0x1f_ffff_ffff_ffffn) || 1;
}

/**
 * The cap Janus sets on each publisher (REMB). A camera sends three simulcast layers (about 0.15 + 0.5 + 1.2 Mbit/s
 * at 720p): below about 1.9 Mbit/s the browser drops the top layer, and every receiver gets at most half resolution.
 */
export const DEFAULT_PUBLISHER_BITRATE = 2_048_000;

export interface CreateRoomOptions {
  room?: number;
  description?: string;
  /** Tokens participants present on join; sent raw (Janus compares strings). */
  allowed: string[];
  /** Maximum concurrent WebRTC publishers. */
  publishers?: number;
  /** Allowed video codecs in preference order, e.g. "vp8" or "vp8,h264". */
  videocodec?: string;
  bitrate?: number;
  notifyJoining?: boolean;
  /** A media-less placeholder feed, so subscriptions can be negotiated before anyone publishes. */
  dummyPublisher?: boolean;
}

export interface RoomHandle {
  room: number;
  /** Needed to edit, kick, change the allowed list and destroy; never leaves the server. */
  secret: string;
}

export interface StreamInfo {
  type: 'audio' | 'video' | 'data';
  mid: string;
  mindex: number;
  codec?: string;
  description?: string;
  disabled?: boolean;
  talking?: boolean;
}

export interface PublisherInfo {
  id: number;
  display?: string;
  streams: StreamInfo[];
  talking?: boolean;
}

export interface Participant {
  id: number;
  display?: string;
  publisher: boolean;
  talking?: boolean;
}

export interface Joined {
  room: number;
  id: number;
  /** Proof of membership a subscriber must present (rooms are created with require_pvtid). */
  privateId: number;
  publishers: PublisherInfo[];
  attendees: { id: number; display?: string }[];
}

export type VideoRoomEvent =
  | { type: 'publishers'; room: number; publishers: PublisherInfo[] }
  | { type: 'unpublished'; room: number; id: number }
  | { type: 'leaving'; room: number; id: number }
  | { type: 'kicked'; room: number; id: number }
  /** This handle was kicked out of its room. */
  | { type: 'kicked-self'; room: number }
  | { type: 'joining'; room: number; id: number; display?: string }
  | { type: 'talking' | 'stopped-talking'; room: number; id: number; level?: number }
  | { type: 'destroyed'; room: number }
  | { type: 'slow_link'; bitrate?: number }
  /** A subscriber's renegotiation (publisher gone or added): answer the offer with `start`. */
  | { type: 'updated'; room: number; jsep?: Jsep }
  | { type: 'other'; data: Record<string, unknown> };

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export function parseVideoRoomEvent(d: Record<string, unknown>, jsep?: Jsep): VideoRoomEvent {
  const room = num(d.room);
  switch (d.videoroom) {
    case 'talking':
    case 'stopped-talking': {
      const level = d['audio-level-dBov-avg'];
      return { type: d.videoroom, room, id: num(d.id), ...(typeof level === 'number' ? { level } : {}) };
    }
    case 'destroyed':
      return { type: 'destroyed', room };
    case 'slow_link':
      return {
        type: 'slow_link',
        ...(typeof d['current-bitrate'] === 'number' ? { bitrate: d['current-bitrate'] } : {}),
      };
    case 'updated':
      return { type: 'updated', room, ...(jsep ? { jsep } : {}) };
    case 'event': {
      if (Array.isArray(d.publishers)) return { type: 'publishers', room, publishers: d.publishers as PublisherInfo[] };
      if (typeof d.unpublished === 'number') return { type: 'unpublished', room, id: d.unpublished };
      if (typeof d.leaving === 'number') return { type: 'leaving', room, id: d.leaving };
      if (d.leaving === 'ok' && d.reason === 'kicked') return { type: 'kicked-self', room };
      if (typeof d.kicked === 'number') return { type: 'kicked', room, id: d.kicked };
      const joining = d.joining as { id: number; display?: string } | undefined;
      if (joining && typeof joining.id === 'number') return { type: 'joining', room, ...joining };
      break;
    }
  }
  return { type: 'other', data: d };
}

/**
 * Room administration over one control session: create/destroy rooms, manage the allowed list, kick, mute, list.
 * The control session is recreated on demand after a reset.
 */
export class VideoRoomAdmin {
  private control: Promise<JanusHandle> | null = null;

  constructor(
    private readonly client: JanusClient,
    private readonly opts: { adminKey: string; redactor?: LineRedactor },
  ) {
    client.on('reset', () => {
      this.control = null;
    });
  }

  private handle(): Promise<JanusHandle> {
    const current = this.control;
    if (current) {
      return current.then(
        (h) => (h.alive ? h : this.reopen()),
        () => this.reopen(),
      );
    }
    return this.reopen();
  }

  private reopen(): Promise<JanusHandle> {
    this.control = (async () => {
      const session = await this.client.createSession();
      return session.attach(VIDEOROOM_PLUGIN, 'parley-control');
    })();
    return this.control;
  }

  private async request<T = Record<string, unknown>>(body: Record<string, unknown>): Promise<T> {
    const h = await this.handle();
    return (await h.message<T>(body)).data;
  }

  /**
   * The room's handle, secret included. The secret is derived from the admin key, so every Parley node that knows
   * this Janus's admin key can drive a room another node created, and no secret is stored anywhere.
   */
  handleFor(room: number): RoomHandle {
    const secret = createHmac('sha256', this.opts.adminKey).update(`parley-room:${room}`).digest('base64url');
    this.opts.redactor?.add(secret);
    return { room, secret };
  }

  /** Creates an E2EE-only, private room whose participants need a token from `allowed`. */
  async create(o: CreateRoomOptions): Promise<RoomHandle> {
    const { room, secret } = this.handleFor(o.room ?? randomRoomId());
    this.opts.redactor?.add(...o.allowed);
    await this.request({
      request: 'create',
      admin_key: this.opts.adminKey,
      room,
      permanent: false,
      description: o.description ?? `parley-${room}`,
      secret,
      is_private: true,
      allowed: o.allowed,
      require_pvtid: true,
      require_e2ee: true,
      publishers: o.publishers ?? 25,
      audiocodec: 'opus',
      videocodec: o.videocodec ?? 'vp8',
      bitrate: o.bitrate ?? DEFAULT_PUBLISHER_BITRATE,
      audiolevel_ext: true,
      audiolevel_event: true,
      notify_joining: o.notifyJoining ?? true,
      ...(o.dummyPublisher ? { dummy_publisher: true } : {}),
      record: false,
      lock_record: true,
    });
    return { room, secret };
  }

  async exists(room: number): Promise<boolean> {
    const d = await this.request<{ exists?: boolean }>({ request: 'exists', room });
    return d.exists === true;
  }

  async destroy(r: RoomHandle): Promise<void> {
    await this.request({ request: 'destroy', room: r.room, secret: r.secret, permanent: false });
    this.opts.redactor?.delete(r.secret);
  }

  /** Adds tokens to the room's allowed list; returns the complete list. */
  async allow(r: RoomHandle, tokens: string[]): Promise<string[]> {
    this.opts.redactor?.add(...tokens);
    const d = await this.request<{ allowed?: string[] }>({
      request: 'allowed',
      room: r.room,
      secret: r.secret,
      action: 'add',
      allowed: tokens,
    });
    return d.allowed ?? [];
  }

  /** Removes tokens (a removed participant can no longer join; kick them too to end their presence). */
  async disallow(r: RoomHandle, tokens: string[]): Promise<string[]> {
    const d = await this.request<{ allowed?: string[] }>({
      request: 'allowed',
      room: r.room,
      secret: r.secret,
      action: 'remove',
      allowed: tokens,
    });
    this.opts.redactor?.delete(...tokens);
    return d.allowed ?? [];
  }

  async kick(r: RoomHandle, participantId: number): Promise<void> {
    await this.request({ request: 'kick', room: r.room, secret: r.secret, id: participantId });
  }

  /** Forces a participant's stream (by mid) muted or lifts the block. */
  async moderate(r: RoomHandle, participantId: number, mid: string, mute: boolean): Promise<void> {
    await this.request({ request: 'moderate', room: r.room, secret: r.secret, id: participantId, mid, mute });
  }

  async listParticipants(room: number): Promise<Participant[]> {
    const d = await this.request<{ participants?: Participant[] }>({ request: 'listparticipants', room });
    return d.participants ?? [];
  }
}

type PeerEvents = {
  event: [VideoRoomEvent];
  webrtcup: [];
  hangup: [reason: string];
  media: [info: { type: string; mid?: string; receiving: boolean }];
  slowlink: [info: { mid?: string; media?: string; uplink: boolean; lost: number }];
  /** The handle is gone (detached, session destroyed, Janus reset): rejoin from scratch. */
  gone: [reason: string];
};

abstract class VideoRoomPeer extends EventEmitter<PeerEvents> {
  constructor(readonly handle: JanusHandle) {
    super();
    handle.on('event', (d, jsep) => this.emit('event', parseVideoRoomEvent(d, jsep)));
    handle.on('webrtcup', () => this.emit('webrtcup'));
    handle.on('hangup', (r) => this.emit('hangup', r));
    handle.on('media', (m) => this.emit('media', m));
    handle.on('slowlink', (s) => this.emit('slowlink', s));
    handle.on('gone', (r) => this.emit('gone', r));
  }

  trickle(candidate: Parameters<JanusHandle['trickle']>[0]): Promise<void> {
    return this.handle.trickle(candidate);
  }

  async leave(): Promise<void> {
    await this.handle.message({ request: 'leave' });
  }

  detach(): Promise<void> {
    return this.handle.detach();
  }
}

/** A participant's own publisher handle: the room's notifications arrive here too. */
export class VideoRoomPublisher extends VideoRoomPeer {
  async join(o: { room: number; token: string; display?: string; id?: number }): Promise<Joined> {
    const { data } = await this.handle.message<Record<string, unknown>>({
      request: 'join',
      ptype: 'publisher',
      room: o.room,
      token: o.token,
      ...(o.display !== undefined ? { display: o.display } : {}),
      ...(o.id !== undefined ? { id: o.id } : {}),
    });
    return {
      room: num(data.room),
      id: num(data.id),
      privateId: num(data.private_id),
      publishers: (data.publishers as PublisherInfo[] | undefined) ?? [],
      attendees: (data.attendees as { id: number; display?: string }[] | undefined) ?? [],
    };
  }

  /** Publishes an SDP offer marked end-to-end encrypted; resolves with Janus's answer. */
  async publish(
    offer: Jsep,
    o: { display?: string; descriptions?: { mid: string; description: string }[] } = {},
  ): Promise<Jsep> {
    const { jsep } = await this.handle.message({ request: 'publish', ...o }, { ...offer, e2ee: true });
    if (!jsep) throw new Error('Janus returned no SDP answer to publish');
    return jsep;
  }

  /** Updates publishing settings; with an offer it renegotiates (returns the answer). */
  async configure(
    o: { display?: string; bitrate?: number; keyframe?: boolean; streams?: { mid: string; send?: boolean }[] },
    offer?: Jsep,
  ): Promise<Jsep | undefined> {
    const { jsep } = await this.handle.message(
      { request: 'configure', ...o },
      offer ? { ...offer, e2ee: true } : undefined,
    );
    return jsep;
  }

  async unpublish(): Promise<void> {
    await this.handle.message({ request: 'unpublish' });
  }
}

/** One multistream subscription (several publishers' streams on one PeerConnection). */
export class VideoRoomSubscriber extends VideoRoomPeer {
  async join(o: {
    room: number;
    privateId: number;
    /** `substream`: the simulcast layer to relay of that feed's video until `configure` says otherwise. */
    streams: { feed: number; mid?: string; substream?: number }[];
  }): Promise<{ offer: Jsep; streams: Record<string, unknown>[] }> {
    const { data, jsep } = await this.handle.message<{ streams?: Record<string, unknown>[] }>({
      request: 'join',
      ptype: 'subscriber',
      room: o.room,
      private_id: o.privateId,
      streams: o.streams,
      use_msid: true,
    });
    if (!jsep) throw new Error('Janus returned no SDP offer to the subscription');
    return { offer: jsep, streams: data.streams ?? [] };
  }

  /** Completes the negotiation with the browser's answer (also after `updated` renegotiations). */
  async start(answer: Jsep): Promise<void> {
    await this.handle.message({ request: 'start' }, answer);
  }

  /** Adds/removes streams; resolves with a new offer when Janus renegotiates at once. */
  async update(o: {
    subscribe?: { feed: number; mid?: string; substream?: number }[];
    unsubscribe?: { feed: number; mid?: string }[];
  }): Promise<Jsep | undefined> {
    const { jsep } = await this.handle.message({ request: 'update', ...o });
    return jsep;
  }

  /**
   * Picks the simulcast layer (0 lowest .. 2 highest) Janus relays on each of this subscription's video mids. Janus
   * switches at the next key frame of that layer (it asks the publisher for one): it reads only the RTP header,
   * the VP8 payload descriptor and the key-frame bit and start code of the VP8 payload header, all of which an
   * end-to-end encrypted frame keeps in clear, so the switch needs neither keys nor a renegotiation.
   */
  async configure(streams: { mid: string; substream: number }[]): Promise<void> {
    await this.handle.message({ request: 'configure', streams });
  }

  async pause(): Promise<void> {
    await this.handle.message({ request: 'pause' });
  }
}

/** One Janus session per call participant, holding their publisher and subscriber handles. */
export class VideoRoomParticipant {
  private constructor(readonly session: JanusSession) {}

  static async open(client: JanusClient): Promise<VideoRoomParticipant> {
    return new VideoRoomParticipant(await client.createSession());
  }

  async publisher(opaqueId?: string): Promise<VideoRoomPublisher> {
    return new VideoRoomPublisher(await this.session.attach(VIDEOROOM_PLUGIN, opaqueId));
  }

  async subscriber(opaqueId?: string): Promise<VideoRoomSubscriber> {
    return new VideoRoomSubscriber(await this.session.attach(VIDEOROOM_PLUGIN, opaqueId));
  }

  /** Destroys the session: Janus hangs up and leaves on every handle. */
  close(): Promise<void> {
    return this.session.destroy();
  }
}
