import { z } from 'zod';
import { Id, Role, Timestamp } from './common.js';
import { DeviceLogEntry } from './keys.js';

/**
 * The secure call's signalling, carried over Parley's one WebSocket (/ws). The browser never speaks to Janus:
 * it sends these messages, the server drives Janus on its behalf and only ever on the sender's own handles.
 * Media is end-to-end encrypted with SFrame keyed by the call's MLS group (context `call:<meetingId>`).
 */

/**
 * A participant publishes at most three streams: camera+microphone, a screen share, and (an assigned interpreter
 * only) the interpretation channel of their target language, audio only.
 */
export const CallStream = z.enum(['main', 'screen', 'interp']);
export type CallStream = z.infer<typeof CallStream>;

const Sdp = z
  .string()
  .min(1)
  .max(64 * 1024);
export const JsepOffer = z.strictObject({ type: z.literal('offer'), sdp: Sdp });
export const JsepAnswer = z.strictObject({ type: z.literal('answer'), sdp: Sdp });
export const Jsep = z.union([JsepOffer, JsepAnswer]);
export type Jsep = z.infer<typeof Jsep>;

export const IceCandidate = z.strictObject({
  candidate: z.string().max(2048),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(255).nullable().optional(),
});

/** Which of the caller's own peer connections a trickle candidate belongs to. */
export const CallTarget = z.enum(['main', 'screen', 'interp', 'subscriber']);
export type CallTarget = z.infer<typeof CallTarget>;

const RequestId = z.string().max(64).optional();
/**
 * Which call of the meeting a message is about: absent for the plenary, the caucus's id for a side's caucus (a call
 * with the plenary as parent, its own Janus room and its own MLS group, context `caucus-call:<meetingId>:<sideId>`).
 */
const CaucusRef = { caucusId: Id.optional() };
/**
 * Which offer of which subscription an answer is to (docs/architecture.md §4.1): the SFU's subscriber handle (a new
 * one after a media restart or a rejoin) and the offer's number on it. An answer to anything but the offer now
 * waiting is dropped, and an offer of another subscription starts a fresh receiving connection.
 */
const OfferRef = { subscription: z.string().min(1).max(64), offer: z.number().int().positive() };
const M = { meetingId: Id, requestId: RequestId, ...CaucusRef };

/** A camera's simulcast layer as the SFU numbers it: 0 the lowest, 2 the highest. */
export const Substream = z.number().int().min(0).max(2);
export type Substream = z.infer<typeof Substream>;
/**
 * The layer a new receiver of a camera gets until its tile asks for the one that fits (`call.layers`): the middle
 * one, the size of a tile in a small call on a laptop. The server subscribes at it, and a camera that starts
 * publishing sends up to it until the server says who receives what (docs/architecture.md §4.2).
 */
export const FIRST_SUBSTREAM: Substream = 1;

export const CallClientMessage = z.discriminatedUnion('type', [
  /** Ask to join the meeting's running call; delegates wait in the lobby until their own side admits them. */
  z.strictObject({
    type: z.literal('call.join'),
    ...M,
    /** The caller's own registered MLS device keying this call (shown in the roster; optional). */
    deviceId: Id.optional(),
  }),
  /** A chair or secretariat member admits (or turns away) a waiting delegate of their own side. */
  z.strictObject({ type: z.literal('call.admit'), ...M, participantId: Id }),
  z.strictObject({ type: z.literal('call.deny'), ...M, participantId: Id }),
  /** Publish (or renegotiate, e.g. an ICE restart) one of the caller's own streams. The JSEP always carries e2ee. */
  z.strictObject({ type: z.literal('call.publish'), ...M, stream: CallStream, jsep: JsepOffer }),
  z.strictObject({ type: z.literal('call.unpublish'), ...M, stream: CallStream }),
  /** Subscribe to other participants' feeds (replaces the current subscription set). */
  z.strictObject({
    type: z.literal('call.subscribe'),
    ...M,
    feeds: z.array(z.strictObject({ feedId: z.string().max(64), mid: z.string().max(16).optional() })).max(100),
  }),
  /**
   * Which simulcast layer of each subscribed camera the caller wants (0 lowest .. 2 highest), by the mid of the
   * caller's own subscriber connection: the layer that fits the tile it is shown in. Other mids are ignored.
   */
  z.strictObject({
    type: z.literal('call.layers'),
    ...M,
    layers: z
      .array(z.strictObject({ mid: z.string().min(1).max(16), substream: Substream }))
      .min(1)
      .max(100),
  }),
  /** The browser's answer to the server's `call.offer` for the subscriber connection. */
  z.strictObject({ type: z.literal('call.subscribe-answer'), ...M, ...OfferRef, jsep: JsepAnswer }),
  z.strictObject({ type: z.literal('call.trickle'), ...M, target: CallTarget, candidate: IceCandidate.nullable() }),
  /** The caller's own microphone/camera state, for the roster. */
  z.strictObject({ type: z.literal('call.media-state'), ...M, audio: z.boolean(), video: z.boolean() }),
  z.strictObject({ type: z.literal('call.leave'), ...M }),
  /** Chair controls: ask a delegate of one's own side to mute; remove anyone from the call; end it for all. */
  z.strictObject({ type: z.literal('call.mute'), ...M, participantId: Id }),
  z.strictObject({ type: z.literal('call.remove'), ...M, participantId: Id }),
  z.strictObject({ type: z.literal('call.end'), ...M }),
]);
export type CallClientMessage = z.infer<typeof CallClientMessage>;

export const CallFeed = z.object({ feedId: z.string(), stream: CallStream });

/**
 * Where a plenary participant is: `in-caucus` is told only to their own side; the other side sees `away` (their
 * media stops, which it would notice anyway) and never learns where they went.
 */
export const CallPresence = z.enum(['here', 'away', 'in-caucus']);
export type CallPresence = z.infer<typeof CallPresence>;

export const CallParticipant = z.object({
  participantId: Id,
  userId: Id,
  /** The MLS device this participant keys the call with (registered in the device-key log). */
  deviceId: z.string().nullable(),
  /**
   * A key package of that device (base64 MLSMessage), claimed by the call manager at admission and sent in the
   * first roster that lists the participant only: the member who adds the device to the call's MLS group uses it
   * instead of claiming one (docs/call-keys.md §5.2 item 4).
   */
  keyPackage: z.string().optional(),
  /**
   * With `keyPackage` only: the participant's device-key log as the server read it at admission. The member who adds
   * the device checks the package against it (the same hash-chained log `GET /api/devices/log` returns) without a
   * fetch before its Add (docs/call-keys.md §5.2 item 4).
   */
  deviceLog: z.array(DeviceLogEntry).optional(),
  displayName: z.string(),
  sideId: Id,
  agencyName: z.string().nullable(),
  title: z.string(),
  role: Role,
  audio: z.boolean(),
  video: z.boolean(),
  sharing: z.boolean(),
  speaking: z.boolean(),
  feeds: z.array(CallFeed),
  joinedAt: Timestamp,
  presence: CallPresence,
});
export type CallParticipant = z.infer<typeof CallParticipant>;

export const LobbyEntry = z.object({
  participantId: Id,
  userId: Id,
  displayName: z.string(),
  sideId: Id,
  agencyName: z.string().nullable(),
  title: z.string(),
  waitingSince: Timestamp,
});
export type LobbyEntry = z.infer<typeof LobbyEntry>;

export const IceServer = z.object({
  urls: z.array(z.string()),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

const S = { meetingId: Id, requestId: z.string().optional(), ...CaucusRef };

/** A side's open caucus, as its own side sees it (the other side only learns that the side is in caucus). */
export const CallCaucus = z.object({
  caucusId: Id,
  meetingId: Id,
  sideId: Id,
  openedAt: Timestamp,
  participantCount: z.number().int(),
});
export type CallCaucus = z.infer<typeof CallCaucus>;

/** Why the server refused a call message; the browser reacts to the code and shows its own words for it. */
export const CallErrorCode = z.enum([
  'not_found',
  'not_running',
  'conflict',
  'forbidden',
  /** A chair action in a group that asks chairs signed in at an identity provider to step up first. */
  'chair_step_up_required',
  'not_in_call',
  'no_such_participant',
  'no_such_feed',
  'no_such_stream',
  'unknown_device',
  'media_unavailable',
  'media_error',
  'rate_limited',
  'superseded',
  'internal',
]);
export type CallErrorCode = z.infer<typeof CallErrorCode>;

export const CallServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call.lobby'), ...S, participantId: Id }),
  /**
   * Admitted: publish now. `mlsContext` names the call's MLS group at the Delivery Service. `subscribed`: the feeds
   * (`subscriptionFeeds` with no channel chosen) the server subscribed the participant to as it admitted them; the
   * offer for them follows as `call.offer`, without a `call.subscribe` (docs/call-keys.md §11). Absent: subscribe
   * yourself.
   */
  z.object({
    type: z.literal('call.joined'),
    ...S,
    participantId: Id,
    iceServers: z.array(IceServer),
    mlsContext: z.string(),
    subscribed: z.array(z.string()).optional(),
  }),
  /** The live roster (and, for those who may admit, their own side's lobby). Sent on every change. */
  z.object({
    type: z.literal('call.state'),
    meetingId: Id,
    startedAt: Timestamp,
    ...CaucusRef,
    participants: z.array(CallParticipant),
    lobby: z.array(LobbyEntry),
    /** In the plenary: the recipient's own side's open caucus, if any. */
    caucus: CallCaucus.nullable(),
    /** In the plenary: every side that has a caucus open (all a side learns of another side's caucus). */
    sidesInCaucus: z.array(Id),
  }),
  z.object({ type: z.literal('call.answer'), ...S, stream: CallStream, jsep: JsepAnswer }),
  z.object({
    type: z.literal('call.offer'),
    ...S,
    ...OfferRef,
    jsep: JsepOffer,
    streams: z.array(
      z.object({ mid: z.string(), feedId: z.string(), participantId: Id, stream: CallStream, kind: z.string() }),
    ),
  }),
  z.object({ type: z.literal('call.mute-requested'), meetingId: Id, ...CaucusRef, byName: z.string() }),
  z.object({ type: z.literal('call.denied'), meetingId: Id, ...CaucusRef }),
  z.object({ type: z.literal('call.removed'), meetingId: Id, ...CaucusRef, reason: z.string() }),
  /** The call ended; with `caucusId`: that caucus closed, and its participants go back to the plenary. */
  z.object({ type: z.literal('call.ended'), meetingId: Id, ...CaucusRef }),
  /** The media server restarted: every participant republishes and resubscribes (keys are unaffected). */
  z.object({ type: z.literal('call.media-restart'), meetingId: Id, ...CaucusRef }),
  /** A chair of the side calls the caucus's participants back to the plenary (they return with one click). */
  z.object({ type: z.literal('call.caucus-recall'), meetingId: Id, caucusId: Id, byName: z.string() }),
  /**
   * The simulcast layers of the recipient's camera that someone in the call receives now (0 lowest .. 2 highest,
   * the lowest always in): the browser encodes those and pauses the others (docs/architecture.md §4.2). Sent when
   * that set changes.
   */
  z.object({ type: z.literal('call.camera-layers'), ...S, substreams: z.array(Substream).min(1).max(3) }),
  z.object({
    type: z.literal('call.error'),
    meetingId: Id.optional(),
    ...CaucusRef,
    code: CallErrorCode,
    message: z.string(),
    requestId: z.string().optional(),
  }),
]);
export type CallServerMessage = z.infer<typeof CallServerMessage>;

/** REST: the call of a meeting (start/end by a chair; status for everyone who may join). */
export const CallStatus = z.object({
  meetingId: Id,
  active: z.boolean(),
  startedAt: Timestamp.nullable(),
  participantCount: z.number().int(),
  e2ee: z.literal(true),
  /** The caller's own side's open caucus, if any. */
  caucus: CallCaucus.nullable(),
  /** Sides with a caucus open: what the other side learns of a caucus, and nothing more. */
  sidesInCaucus: z.array(Id),
});
export type CallStatus = z.infer<typeof CallStatus>;
export const IceServerList = z.object({ iceServers: z.array(IceServer) });
