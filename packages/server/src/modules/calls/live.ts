import {
  type CallCaucus,
  type CallParticipant,
  type CallPresence,
  type CallServerMessage,
  type CallStream,
  type LobbyEntry,
  mlsContext,
  type Substream,
} from '@parley/protocol';
import type { RoomHandle } from '../../janus/index.js';
import type { Connection } from '../../realtime/hub.js';
import type { AdmissionKeys } from '../keys/index.js';
import type { MeetingFacts } from '../meetings/index.js';
import type { CallPerson } from './access.js';
import { sendCameraLayers } from './camera-layers.js';
import type { ParticipantMedia } from './media.js';

/** Someone known to a running call: waiting in the lobby or admitted. */
export interface Member {
  participantId: string;
  person: CallPerson;
  deviceId: string | null;
  conn: Connection | null;
  state: 'lobby' | 'admitted';
  since: Date;
  audio: boolean;
  video: boolean;
  speaking: boolean;
  /** Live (subscribable) feeds, by stream. */
  feeds: Map<CallStream, string>;
  media: ParticipantMedia | null;
  /** Set while the socket is gone: the member leaves when it fires, unless they come back first. */
  grace: NodeJS.Timeout | null;
  /** Operations per peer connection run one after another (a trickle must not overtake its publish). */
  queues: Map<string, Promise<unknown>>;
  /**
   * A key package of the device, claimed at admission, and the person's device-key log: they ride in the next roster
   * only, for the member who commits the Add to use without a claim or a log fetch (docs/call-keys.md §5.2 item 4, §11).
   */
  admissionKeys?: AdmissionKeys | null;
  /** In the plenary: the id of the side's caucus this participant stepped out to, else null. */
  away: string | null;
  /**
   * The camera layers last sent to this participant's browser to encode (`call.camera-layers`); null once their
   * camera publishes afresh, whose encoder starts from its first layers (docs/architecture.md §4.2).
   */
  cameraLayers: readonly Substream[] | null;
}

/** What makes a call a caucus: the plenary it belongs to and the one side that may be in it. */
export interface CaucusOf {
  parent: LiveCall;
  sideId: string;
}

/** A running call in this process: the Janus room and everyone in it. */
export class LiveCall {
  readonly members = new Map<string, Member>();
  /** Users a chair removed: if they knock again they wait in the lobby, whatever their role. */
  readonly removedUsers = new Set<string>();
  room: RoomHandle | null = null;
  /** The Janus node of `room` (an id of the pool). */
  janusNode: string | null = null;
  /** Janus is away (or the room is being recreated): media operations are refused meanwhile. */
  mediaDown = false;
  ending = false;
  /** Participants admitted through other server nodes (their sockets are there), as those nodes share them. */
  remote: CallParticipant[] = [];
  /** Delegates waiting in the lobby through other server nodes, as those nodes share them. */
  remoteLobby: LobbyEntry[] = [];
  /** Runs after each roster flush (the node shares its own participants with the other nodes). */
  onFlush: (() => void) | null = null;
  /** In the plenary: each side's open caucus, by side id. */
  readonly caucuses = new Map<string, LiveCall>();
  private flushQueued = false;
  private layersQueued = false;

  constructor(
    readonly callId: string,
    readonly facts: MeetingFacts,
    readonly startedAt: Date,
    readonly caucusOf: CaucusOf | null = null,
  ) {}

  get meetingId(): string {
    return this.facts.id;
  }

  /** A caucus's id (its row in `calls`), which every message about it carries; undefined for the plenary. */
  get caucusId(): string | undefined {
    return this.caucusOf ? this.callId : undefined;
  }

  /** The MLS context keying this call's media and chat (docs/call-keys.md §12 for a caucus). */
  get mlsContext(): string {
    return this.caucusOf
      ? mlsContext({ kind: 'caucus-call', meetingId: this.meetingId, sideId: this.caucusOf.sideId })
      : mlsContext({ kind: 'call', meetingId: this.meetingId });
  }

  /** A caucus as its own side sees it. */
  caucusView(): CallCaucus | null {
    if (!this.caucusOf) return null;
    return {
      caucusId: this.callId,
      meetingId: this.meetingId,
      sideId: this.caucusOf.sideId,
      openedAt: this.startedAt.toISOString(),
      participantCount: this.admitted().length,
    };
  }

  admitted(): Member[] {
    return [...this.members.values()].filter((m) => m.state === 'admitted');
  }

  byUser(userId: string): Member | undefined {
    return [...this.members.values()].find((m) => m.person.userId === userId);
  }

  byConn(conn: Connection): Member | undefined {
    return [...this.members.values()].find((m) => m.conn === conn);
  }

  ownerOfFeed(feedId: string): { member: Member; stream: CallStream } | undefined {
    for (const member of this.members.values())
      for (const [stream, id] of member.feeds) if (id === feedId) return { member, stream };
    return undefined;
  }

  /**
   * A feed of a participant on another server node, in the same room (the room is shared by every node driving the
   * call): subscribable like a local one, its owner as that node shares them.
   */
  remoteFeed(feedId: string): { participantId: string; stream: CallStream } | undefined {
    for (const p of this.remote)
      for (const f of p.feeds) if (f.feedId === feedId) return { participantId: p.participantId, stream: f.stream };
    return undefined;
  }

  send(m: Member, message: CallServerMessage): void {
    m.conn?.send(this.caucusOf ? { ...message, caucusId: this.callId } : message);
  }

  private presence(m: Member, recipient: Member): CallPresence {
    return m.away ? awayAs(m.person.sideId, recipient) : 'here';
  }

  /** The roster as every participant sees it, plus the lobby of the recipient's own side if they admit. */
  stateFor(recipient: Member): Extract<CallServerMessage, { type: 'call.state' }> {
    // A joiner's key package claimed at admission, with their device-key log, rides in this node's first roster only
    // (docs/call-keys.md §5.2); it is never shared with other nodes.
    const participants: CallParticipant[] = [
      ...this.admitted().map((m) => ({
        ...participantOf(m),
        presence: this.presence(m, recipient),
        ...(m.admissionKeys ?? {}),
      })),
      ...this.remote.map((p) => (p.presence === 'here' ? p : { ...p, presence: awayAs(p.sideId, recipient) })),
    ];
    const lobby: LobbyEntry[] = recipient.person.admits
      ? [
          ...[...this.members.values()].filter((m) => m.state === 'lobby').map(lobbyEntryOf),
          ...this.remoteLobby,
        ].filter((e) => e.sideId === recipient.person.sideId)
      : [];
    return {
      type: 'call.state',
      meetingId: this.meetingId,
      startedAt: this.startedAt.toISOString(),
      participants,
      lobby,
      caucus: this.caucuses.get(recipient.person.sideId)?.caucusView() ?? null,
      sidesInCaucus: [...this.caucuses.keys()].sort(),
    };
  }

  /**
   * A caucus's roster changed: its side's plenary participants who are in it show as stepped out, the others as
   * back (and the plenary's roster goes out again when that changed).
   */
  private syncAway(): void {
    const of = this.caucusOf;
    if (!of) return;
    let changed = false;
    for (const m of of.parent.members.values()) {
      if (m.person.sideId !== of.sideId) continue;
      const inHere = this.byUser(m.person.userId)?.state === 'admitted' && !this.ending;
      const away = inHere ? this.callId : m.away === this.callId ? null : m.away;
      if (away !== m.away) {
        m.away = away;
        changed = true;
      }
    }
    if (changed) of.parent.broadcast();
  }

  /** Coalesces the changes of one tick into one roster message per participant. */
  broadcast(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.syncAway();
      if (this.ending) return;
      for (const m of this.admitted()) this.send(m, this.stateFor(m));
      // Once: a member that missed it claims as usual, and a one-time package must not be offered twice.
      for (const m of this.members.values()) m.admissionKeys = null;
      this.onFlush?.();
      this.layersChanged();
    });
  }

  /**
   * Someone's subscription or the layers they ask for changed (or the roster did): each camera's encoded layers
   * follow, once per tick (docs/architecture.md §4.2).
   */
  layersChanged(): void {
    if (this.layersQueued) return;
    this.layersQueued = true;
    setImmediate(() => {
      this.layersQueued = false;
      if (!this.ending) sendCameraLayers(this);
    });
  }
}

/**
 * Only a participant's own side learns that they stepped out to its caucus; the other side sees them away. Other
 * nodes share every stepped-out participant as away, and each node says more to the participant's own side.
 */
const awayAs = (sideId: string, recipient: Member): CallPresence =>
  sideId === recipient.person.sideId ? 'in-caucus' : 'away';

/** An admitted member as every participant's roster shows them (also what this node shares with the others). */
export function participantOf(m: Member): CallParticipant {
  return {
    participantId: m.participantId,
    userId: m.person.userId,
    deviceId: m.deviceId,
    displayName: m.person.displayName,
    sideId: m.person.sideId,
    agencyName: m.person.agencyName,
    title: m.person.title,
    role: m.person.role,
    audio: m.audio,
    video: m.video,
    sharing: m.feeds.has('screen'),
    speaking: m.speaking,
    feeds: [...m.feeds].map(([stream, feedId]) => ({ feedId, stream })),
    joinedAt: m.since.toISOString(),
    // What anyone may learn (shared with other server nodes too); each node's own roster tells the own side more.
    presence: m.away ? 'away' : 'here',
  };
}

/** A delegate waiting to be let in, as the admitters of their side see them (on any node). */
export function lobbyEntryOf(m: Member): LobbyEntry {
  return {
    participantId: m.participantId,
    userId: m.person.userId,
    displayName: m.person.displayName,
    sideId: m.person.sideId,
    agencyName: m.person.agencyName,
    title: m.person.title,
    waitingSince: m.since.toISOString(),
  };
}

export function newMember(
  participantId: string,
  person: CallPerson,
  conn: Connection,
  deviceId: string | null,
): Member {
  return {
    participantId,
    person,
    deviceId,
    conn,
    state: 'lobby',
    since: new Date(),
    audio: false,
    video: false,
    speaking: false,
    feeds: new Map(),
    media: null,
    grace: null,
    queues: new Map(),
    away: null,
    cameraLayers: null,
  };
}

/** Runs `fn` after every earlier operation of the same queue (errors do not block the queue). */
export function enqueue<T>(m: Member, queue: string, fn: () => Promise<T>): Promise<T> {
  const prev = m.queues.get(queue) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  m.queues.set(
    queue,
    next.catch(() => {}),
  );
  return next;
}
