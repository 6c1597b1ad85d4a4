import { randomBytes } from 'node:crypto';
import type { CallStatus } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { conflict, HttpError } from '../../http/errors.js';
import type { JanusService, RoomHandle } from '../../janus/index.js';
import type { MeetingFacts } from '../meetings/index.js';
import type { MeetingActor } from '../meetings/service.js';
import {
  type CaucusRow,
  openCaucusRow,
  openCaucusRows,
  recordCaucusClose,
  recordCaucusOpen,
  recordCaucusRecall,
} from './caucus-service.js';
import { CallError } from './errors.js';
import { LiveCall, type Member } from './live.js';
import { type MediaEvents, ParticipantMedia } from './media.js';
import { activeCall, recordCallEnd, recordCallEndWithMeeting, recordCallStart, recordRoom } from './service.js';
import { SharedRoster } from './shared-roster.js';

const DEFAULT_GRACE_MS = 15_000;

export const newToken = () => randomBytes(24).toString('base64url');

/**
 * The running calls of this node and their Janus rooms. Rows in `calls` say which calls run; everything live
 * (who is in, their handles, the room secret) is here, and is rebuilt when Janus restarts.
 */
export class CallManager {
  /** Plenary calls, by meeting id. */
  readonly calls = new Map<string, LiveCall>();
  /** Open caucuses, by caucus id (each also listed in its plenary's `caucuses`). */
  readonly caucuses = new Map<string, LiveCall>();
  private readonly loading = new Map<string, Promise<LiveCall | undefined>>();
  private watched: JanusService | null = null;
  private restarting: Promise<void> = Promise.resolve();
  /** How long an admitted participant whose socket dropped keeps their place (tests shorten it). */
  graceMs = DEFAULT_GRACE_MS;
  closed = false;

  /** Who is in each call through the other server nodes (nothing to do on a single node). */
  readonly roster: SharedRoster;

  constructor(readonly ctx: AppContext) {
    this.roster = new SharedRoster(
      ctx.cluster,
      () => this.calls.values(),
      (meetingId) => this.calls.get(meetingId),
      (err) => ctx.log.warn({ err }, 'calls: sharing the roster failed'),
    );
  }

  /** The Janus service, watched for restarts from the first time calls use it (it starts when the app is ready). */
  janus(): JanusService | null {
    const j = this.ctx.janus ?? null;
    if (j && j !== this.watched) {
      this.watched = j;
      j.client.on('disconnected', () => this.mediaLost());
      j.client.on('reset', () => {
        this.restarting = this.restarting.then(() => this.restartMedia(j));
      });
    }
    return j;
  }

  requireJanus(): JanusService {
    const j = this.janus();
    if (!j) throw new HttpError(503, 'Service Unavailable', 'Calls are not available on this server');
    if (!j.isUp()) throw new HttpError(503, 'Service Unavailable', 'The media server is restarting; try again shortly');
    return j;
  }

  mediaFor(call: LiveCall): { janus: JanusService; room: RoomHandle } {
    const janus = this.janus();
    if (!janus?.isUp() || call.mediaDown || !call.room)
      throw new CallError('media_unavailable', 'The media server is restarting; wait for call.media-restart');
    return { janus, room: call.room };
  }

  private createRoom(janus: JanusService, allowed: string[]): Promise<RoomHandle> {
    return janus.rooms.create({ allowed, publishers: 50, description: 'parley-call', notifyJoining: false });
  }

  async start(who: MeetingActor, facts: MeetingFacts): Promise<LiveCall> {
    const janus = this.requireJanus();
    if (this.calls.has(facts.id) || this.loading.has(facts.id))
      throw conflict('The call of this meeting is already running');
    let resolve!: (c: LiveCall | undefined) => void;
    this.loading.set(facts.id, new Promise((r) => (resolve = r)));
    let call: LiveCall | undefined;
    try {
      const room = await this.createRoom(janus, []);
      const at = new Date();
      const row = await recordCallStart(this.ctx, who, facts, room.room, at).catch(async (err) => {
        await janus.rooms.destroy(room).catch(() => {});
        throw err;
      });
      call = new LiveCall(row.id, facts, at);
      call.room = room;
      this.calls.set(facts.id, call);
      this.roster.attach(call);
      return call;
    } finally {
      this.loading.delete(facts.id);
      resolve(call);
    }
  }

  /** The live call of a meeting; after a server restart a running call gets a new room on first use. */
  async live(facts: MeetingFacts): Promise<LiveCall | undefined> {
    const known = this.calls.get(facts.id);
    if (known) return known;
    const pending = this.loading.get(facts.id);
    if (pending) return pending;
    const p = (async () => {
      const row = await activeCall(this.ctx.db, facts.id);
      if (!row) return undefined;
      const janus = this.requireJanus();
      const call = new LiveCall(row.id, facts, row.startedAt);
      call.room = await this.createRoom(janus, []);
      await recordRoom(this.ctx.db, row.id, call.room.room);
      // Caucuses open before a server restart come back with new rooms too; their MLS groups live on.
      for (const c of await openCaucusRows(this.ctx.db, row.id)) {
        const caucus = new LiveCall(c.id, facts, c.startedAt, { parent: call, sideId: c.sideId });
        caucus.room = await this.createRoom(janus, []);
        await recordRoom(this.ctx.db, c.id, caucus.room.room);
        call.caucuses.set(c.sideId, caucus);
        this.caucuses.set(c.id, caucus);
      }
      this.calls.set(facts.id, call);
      this.roster.attach(call);
      return call;
    })();
    this.loading.set(facts.id, p);
    try {
      return await p;
    } finally {
      this.loading.delete(facts.id);
    }
  }

  /**
   * A side's chair opens the side's caucus in the running plenary: its own room and, once its first participant is
   * in, its own MLS group (docs/call-keys.md §12). 409 when the plenary is not running or the side's caucus is open.
   */
  async openCaucus(userId: string, facts: MeetingFacts, sideId: string): Promise<LiveCall> {
    const janus = this.requireJanus();
    const plenary = await this.live(facts);
    if (!plenary || plenary.ending) throw conflict('The call of this meeting is not running');
    if (plenary.caucuses.has(sideId)) throw conflict('Your side’s caucus is already open');
    const room = await this.createRoom(janus, []);
    const at = new Date();
    const row = await recordCaucusOpen(this.ctx, userId, facts, plenary.callId, sideId, room.room, at).catch(
      async (err) => {
        await janus.rooms.destroy(room).catch(() => {});
        throw err;
      },
    );
    const caucus = new LiveCall(row.id, facts, at, { parent: plenary, sideId });
    caucus.room = room;
    plenary.caucuses.set(sideId, caucus);
    this.caucuses.set(row.id, caucus);
    plenary.broadcast();
    return caucus;
  }

  /** The side's open caucus in the meeting's running call, if any. */
  async caucusOf(facts: MeetingFacts, sideId: string): Promise<LiveCall | undefined> {
    return (await this.live(facts))?.caucuses.get(sideId);
  }

  /** Closes a caucus for everyone in it (they are back in the plenary) and retires its keys. */
  async closeCaucus(userId: string, caucus: LiveCall): Promise<void> {
    const of = caucus.caucusOf;
    if (!of) return;
    const row = await openCaucusRow(this.ctx.db, of.parent.callId, of.sideId);
    if (row) await recordCaucusClose(this.ctx, userId, caucus.facts, row);
    await this.teardown(caucus);
  }

  /** A chair calls the caucus's participants back: a notice with a one-click return on each of their screens. */
  async recallCaucus(userId: string, byName: string, caucus: LiveCall): Promise<void> {
    const of = caucus.caucusOf;
    if (!of) return;
    const row: CaucusRow | undefined = await openCaucusRow(this.ctx.db, of.parent.callId, of.sideId);
    if (row) await recordCaucusRecall(this.ctx, userId, caucus.facts, row);
    for (const m of caucus.admitted())
      caucus.send(m, { type: 'call.caucus-recall', meetingId: caucus.meetingId, caucusId: caucus.callId, byName });
  }

  /** Every live call: plenaries and caucuses. */
  allCalls(): LiveCall[] {
    return [...this.calls.values(), ...this.caucuses.values()];
  }

  private isLive(call: LiveCall): boolean {
    return call.caucusOf ? this.caucuses.get(call.callId) === call : this.calls.get(call.meetingId) === call;
  }

  async status(facts: MeetingFacts, sideId: string | null = null): Promise<CallStatus> {
    const call = this.calls.get(facts.id);
    const row = call ? undefined : await activeCall(this.ctx.db, facts.id);
    const startedAt = call?.startedAt ?? row?.startedAt ?? null;
    return {
      meetingId: facts.id,
      active: startedAt !== null,
      startedAt: startedAt?.toISOString() ?? null,
      participantCount: call ? call.admitted().length + call.remote.length : 0,
      e2ee: true,
      caucus: (sideId && call?.caucuses.get(sideId)?.caucusView()) || null,
      sidesInCaucus: call ? [...call.caucuses.keys()].sort() : [],
    };
  }

  /** Ends the call for everyone: the record first (409 if not running), then every handle and the room. */
  async end(who: MeetingActor, facts: MeetingFacts): Promise<void> {
    await recordCallEnd(this.ctx, who, facts, new Date());
    const call = this.calls.get(facts.id);
    if (call) await this.teardown(call);
  }

  /**
   * The meeting was ended, cancelled or postponed (through its lifecycle, not the call): a call still running for it
   * ends too, for everyone, and is recorded as ended.
   */
  async meetingClosed(meetingId: string, because: string): Promise<void> {
    await recordCallEndWithMeeting(this.ctx, meetingId, because).catch((err) => {
      if (!(err instanceof HttpError && err.status === 409)) throw err;
    });
    const call = this.calls.get(meetingId);
    if (call) await this.teardown(call);
  }

  async teardown(call: LiveCall): Promise<void> {
    if (call.ending) return;
    call.ending = true;
    await Promise.all([...call.caucuses.values()].map((c) => this.teardown(c)));
    if (call.caucusOf) {
      this.caucuses.delete(call.callId);
      if (call.caucusOf.parent.caucuses.get(call.caucusOf.sideId) === call)
        call.caucusOf.parent.caucuses.delete(call.caucusOf.sideId);
      // Everyone's plenary roster stops saying the side is in caucus, even when nobody was left in it.
      call.caucusOf.parent.broadcast();
    } else {
      this.calls.delete(call.meetingId);
      await this.roster.detach(call).catch(() => {});
    }
    for (const m of call.members.values()) {
      if (m.grace) clearTimeout(m.grace);
      call.send(m, { type: 'call.ended', meetingId: call.meetingId });
    }
    await Promise.all([...call.members.values()].map((m) => m.media?.close()));
    call.members.clear();
    // A closed caucus's participants are back in the plenary: everyone's plenary roster says so.
    call.broadcast();
    const janus = this.janus();
    if (call.room && janus?.isUp()) await janus.rooms.destroy(call.room).catch(() => {});
  }

  /** Opens a participant's Janus session with a fresh one-time token on the room's allowed list. */
  async openMedia(call: LiveCall, m: Member, token = newToken()): Promise<ParticipantMedia> {
    const { janus, room } = this.mediaFor(call);
    await janus.rooms.allow(room, [token]);
    try {
      return await ParticipantMedia.open(janus.client, room, token, m.participantId, this.mediaEvents(call, m));
    } catch (err) {
      await janus.rooms.disallow(room, [token]).catch(() => {});
      throw err;
    }
  }

  private mediaEvents(call: LiveCall, m: Member): MediaEvents {
    return {
      feed: (stream, feedId, live) => {
        if (live) m.feeds.set(stream, feedId);
        else if (m.feeds.get(stream) === feedId) {
          m.feeds.delete(stream);
          if (stream === 'main') m.speaking = false;
          for (const other of call.members.values()) other.media?.forgetFeed(feedId);
        } else return;
        call.broadcast();
      },
      talking: (feedId, talking) => {
        const owner = call.ownerOfFeed(feedId);
        if (!owner || owner.member.speaking === talking) return;
        owner.member.speaking = talking;
        call.broadcast();
      },
      offer: (jsep, streams) => {
        if (jsep.type !== 'offer') return;
        call.send(m, {
          type: 'call.offer',
          meetingId: call.meetingId,
          jsep: { type: 'offer', sdp: jsep.sdp },
          streams: mapStreams(call, streams),
        });
      },
    };
  }

  /** Janus went away: every handle is gone; feeds disappear from the roster until the room is rebuilt. */
  private mediaLost(): void {
    for (const call of this.allCalls()) {
      call.mediaDown = true;
      for (const m of call.members.values()) {
        m.feeds.clear();
        m.speaking = false;
      }
      call.broadcast();
    }
  }

  /**
   * Janus is back (restarted: rooms, sessions and handles are gone). Each running call gets a new room whose allowed
   * list holds new tokens of the admitted participants, who are told to republish and resubscribe. MLS is untouched.
   */
  private async restartMedia(janus: JanusService): Promise<void> {
    for (const call of this.allCalls()) {
      for (let attempt = 0; !this.closed && this.isLive(call); attempt++) {
        try {
          await this.rebuild(janus, call);
          break;
        } catch (err) {
          this.ctx.log.warn({ err, meetingId: call.meetingId, attempt }, 'calls: rebuilding the room failed');
          if (!janus.isUp() || attempt >= 5) break; // the next reset tries again
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt).unref());
        }
      }
    }
  }

  private async rebuild(janus: JanusService, call: LiveCall): Promise<void> {
    call.mediaDown = true;
    const admitted = call.admitted();
    await Promise.all(admitted.map((m) => m.media?.close()));
    const tokens = new Map(admitted.map((m) => [m, newToken()]));
    const old = call.room;
    if (old && (await janus.rooms.exists(old.room).catch(() => false))) await janus.rooms.destroy(old).catch(() => {});
    const room = await this.createRoom(janus, [...tokens.values()]);
    call.room = room;
    await recordRoom(this.ctx.db, call.callId, room.room);
    call.mediaDown = false;
    for (const [m, token] of tokens) {
      m.feeds.clear();
      m.media = await ParticipantMedia.open(janus.client, room, token, m.participantId, this.mediaEvents(call, m));
    }
    for (const m of admitted) call.send(m, { type: 'call.media-restart', meetingId: call.meetingId });
    call.broadcast();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.roster.close();
    for (const call of this.allCalls()) {
      call.ending = true;
      for (const m of call.members.values()) if (m.grace) clearTimeout(m.grace);
      await Promise.all([...call.members.values()].map((m) => m.media?.close()));
    }
    this.calls.clear();
    this.caucuses.clear();
  }
}

/** Janus's description of a subscription, in Parley's terms; streams of unknown feeds are left out. */
export function mapStreams(call: LiveCall, streams: { mid: string; type: string; feedId: string; active: boolean }[]) {
  return streams.flatMap((s) => {
    const owner = s.active ? call.ownerOfFeed(s.feedId) : undefined;
    return owner
      ? [
          {
            mid: s.mid,
            feedId: s.feedId,
            participantId: owner.member.participantId,
            stream: owner.stream,
            kind: s.type,
          },
        ]
      : [];
  });
}
