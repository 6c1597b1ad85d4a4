import { randomBytes } from 'node:crypto';
import type { CallStatus } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { conflict, HttpError, withCode } from '../../http/errors.js';
import type { JanusService, RoomHandle } from '../../janus/index.js';
import type { MeetingFacts } from '../meetings/index.js';
import type { MeetingActor } from '../meetings/service.js';
import { firstLayer } from './camera-layers.js';
import {
  type CaucusRow,
  openCaucusRow,
  openCaucusRows,
  recordCaucusClose,
  recordCaucusOpen,
  recordCaucusRecall,
} from './caucus-service.js';
import { enqueue, LiveCall, type Member } from './live.js';
import { type MediaEvents, ParticipantMedia, type SubscriptionOffer } from './media.js';
import { CallRooms } from './rooms.js';
import { activeCall, recordCallEnd, recordCallEndWithMeeting, recordCallStart } from './service.js';
import { type RemoteRequest, SharedRoster } from './shared-roster.js';

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
  /** Plenaries whose caucus reconciliation is running (one at a time) or must wait for an opening caucus. */
  private readonly syncing = new WeakMap<LiveCall, Promise<void>>();
  private readonly opening = new Set<LiveCall>();
  /** How long an admitted participant whose socket dropped keeps their place (tests shorten it). */
  graceMs = DEFAULT_GRACE_MS;
  closed = false;

  /**
   * Carries out what another node asked about a participant whose socket is here (membership.ts sets it: the
   * manager does not reach into joining and leaving).
   */
  answerRemote: (call: LiveCall, request: Exclude<RemoteRequest, { op: 'recall' }>) => Promise<void> = async () => {};

  /** Who is in each call through the other server nodes (nothing to do on a single node). */
  readonly roster: SharedRoster;
  /** Where each call's media room is, and its rebuilding when a media server restarts or dies. */
  readonly rooms: CallRooms;

  constructor(readonly ctx: AppContext) {
    this.rooms = new CallRooms(ctx, {
      allCalls: () => this.allCalls(),
      isLive: (call) => this.isLive(call),
      isClosed: () => this.closed,
      mediaEvents: (call, m) => this.mediaEvents(call, m),
      newToken,
    });
    this.roster = new SharedRoster(ctx.cluster, {
      plenaries: () => this.calls.values(),
      syncCaucuses: async (meetingId) => {
        const plenary = this.calls.get(meetingId);
        if (plenary) await this.syncCaucuses(plenary);
      },
      asked: async (meetingId, request) => {
        const plenary = this.calls.get(meetingId);
        const call = 'caucusId' in request && request.caucusId ? this.caucuses.get(request.caucusId) : plenary;
        if (!call || call.meetingId !== meetingId) return;
        if (request.op === 'recall') this.sendRecall(call, request.byName);
        else await this.answerRemote(call, request);
      },
      onError: (err) => ctx.log.warn({ err }, 'calls: sharing the roster failed'),
    });
  }

  /** The media server of the call's room. */
  janusOf(call: LiveCall): JanusService | undefined {
    return this.rooms.janusOf(call);
  }

  mediaFor(call: LiveCall): { janus: JanusService; room: RoomHandle } {
    return this.rooms.mediaFor(call);
  }

  async start(who: MeetingActor, facts: MeetingFacts): Promise<LiveCall> {
    this.rooms.require();
    if (this.calls.has(facts.id) || this.loading.has(facts.id))
      throw withCode(conflict('The call of this meeting is already running'), 'call_running');
    let resolve!: (c: LiveCall | undefined) => void;
    this.loading.set(facts.id, new Promise((r) => (resolve = r)));
    let call: LiveCall | undefined;
    try {
      const placed = await this.rooms.create();
      const at = new Date();
      const where = { node: placed.node, room: placed.room.room };
      const row = await recordCallStart(this.ctx, who, facts, where, at).catch(async (err) => {
        await placed.janus.rooms.destroy(placed.room).catch(() => {});
        throw err;
      });
      call = new LiveCall(row.id, facts, at);
      this.rooms.use(call, placed);
      this.calls.set(facts.id, call);
      this.roster.attach(call);
      return call;
    } finally {
      this.loading.delete(facts.id);
      resolve(call);
    }
  }

  /**
   * The live call of a meeting: on first use on this node (another node started it, or this one restarted) it joins
   * the room its row names, or gets a new one if that room is gone.
   */
  async live(facts: MeetingFacts): Promise<LiveCall | undefined> {
    const known = this.calls.get(facts.id);
    if (known) return known;
    const pending = this.loading.get(facts.id);
    if (pending) return pending;
    const p = (async () => {
      const row = await activeCall(this.ctx.db, facts.id);
      if (!row) return undefined;
      const call = new LiveCall(row.id, facts, row.startedAt);
      await this.rooms.settle(call, { node: row.janusNode, room: row.roomId });
      // Open caucuses come along, in their own rooms; their MLS groups live on.
      for (const c of await openCaucusRows(this.ctx.db, row.id)) await this.adoptCaucus(call, c);
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
    this.rooms.require();
    const plenary = await this.live(facts);
    if (!plenary || plenary.ending)
      throw withCode(conflict('The call of this meeting is not running'), 'call_not_running');
    if (plenary.caucuses.has(sideId)) throw withCode(conflict('Your side’s caucus is already open'), 'caucus_open');
    this.opening.add(plenary);
    try {
      return await this.openCaucusIn(plenary, userId, facts, sideId);
    } finally {
      this.opening.delete(plenary);
    }
  }

  private async openCaucusIn(plenary: LiveCall, userId: string, facts: MeetingFacts, sideId: string) {
    const placed = await this.rooms.create();
    const at = new Date();
    const where = { node: placed.node, room: placed.room.room };
    const row = await recordCaucusOpen(this.ctx, userId, facts, plenary.callId, sideId, where, at).catch(
      async (err) => {
        await placed.janus.rooms.destroy(placed.room).catch(() => {});
        throw err;
      },
    );
    const caucus = new LiveCall(row.id, facts, at, { parent: plenary, sideId });
    this.rooms.use(caucus, placed);
    plenary.caucuses.set(sideId, caucus);
    this.caucuses.set(row.id, caucus);
    this.roster.attach(caucus);
    plenary.broadcast();
    await this.roster.caucusChanged(caucus, true);
    return caucus;
  }

  /** A caucus opened through another node (or before this node loaded the plenary): it runs here too. */
  private async adoptCaucus(plenary: LiveCall, row: CaucusRow): Promise<void> {
    const caucus = new LiveCall(row.id, plenary.facts, row.startedAt, { parent: plenary, sideId: row.sideId });
    await this.rooms.settle(caucus, { node: row.janusNode, room: row.roomId });
    plenary.caucuses.set(row.sideId, caucus);
    this.caucuses.set(row.id, caucus);
    this.roster.attach(caucus);
  }

  /**
   * The plenary's caucuses as PostgreSQL records them: another node may have opened or closed one (docs/deploy.md,
   * "Several nodes"). One reconciliation at a time per plenary; a caucus this node is opening is left to it.
   */
  syncCaucuses(plenary: LiveCall): Promise<void> {
    const next = (this.syncing.get(plenary) ?? Promise.resolve()).then(async () => {
      if (plenary.ending || !this.isLive(plenary) || this.opening.has(plenary)) return;
      const rows = await openCaucusRows(this.ctx.db, plenary.callId);
      let changed = false;
      for (const row of rows) {
        if (this.caucuses.has(row.id) || plenary.ending) continue;
        await this.adoptCaucus(plenary, row);
        changed = true;
      }
      const open = new Set(rows.map((r) => r.id));
      for (const caucus of [...plenary.caucuses.values()]) if (!open.has(caucus.callId)) await this.teardown(caucus);
      if (changed) plenary.broadcast();
    });
    const settled = next.catch(() => {});
    this.syncing.set(plenary, settled);
    return next;
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
    await this.roster.caucusChanged(caucus, false);
  }

  /** A chair calls the caucus's participants back: a notice with a one-click return on each of their screens. */
  async recallCaucus(userId: string, byName: string, caucus: LiveCall): Promise<void> {
    const of = caucus.caucusOf;
    if (!of) return;
    const row: CaucusRow | undefined = await openCaucusRow(this.ctx.db, of.parent.callId, of.sideId);
    if (row) await recordCaucusRecall(this.ctx, userId, caucus.facts, row);
    this.sendRecall(caucus, byName);
    await this.roster.ask(caucus.meetingId, { op: 'recall', caucusId: caucus.callId, byName });
  }

  private sendRecall(caucus: LiveCall, byName: string): void {
    for (const m of caucus.admitted())
      caucus.send(m, { type: 'call.caucus-recall', meetingId: caucus.meetingId, caucusId: caucus.callId, byName });
  }

  /** Every live call: plenaries and caucuses. */
  allCalls(): LiveCall[] {
    return [...this.calls.values(), ...this.caucuses.values()];
  }

  isLive(call: LiveCall): boolean {
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
      await this.roster.detach(call).catch(() => {});
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
    await this.rooms.destroy(call);
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

  mediaEvents(call: LiveCall, m: Member): MediaEvents {
    return {
      feed: (stream, feedId, live) => {
        if (live) {
          m.feeds.set(stream, feedId);
          // A camera that publishes afresh starts from its first layers: it is told the demand again.
          if (stream === 'main') m.cameraLayers = null;
        } else if (m.feeds.get(stream) === feedId) {
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
      offer: (offer) => {
        call.send(m, offerMessage(call, offer));
        call.layersChanged();
      },
      firstLayer: (feedId) => {
        const owner = call.ownerOfFeed(feedId);
        return firstLayer(owner?.stream === 'main' ? owner.member.cameraLayers : null);
      },
    };
  }

  /**
   * Subscribes a participant the moment they are admitted, to the feeds `call.joined` named (docs/call-keys.md §11):
   * the SFU's offer leaves with their admission instead of one browser round trip later. If it fails, the browser
   * is told its subscription holds nothing and subscribes itself at the roster that follows.
   */
  async subscribeOnJoin(call: LiveCall, m: Member, feeds: { feedId: string }[]): Promise<void> {
    const media = m.media;
    if (!media || feeds.length === 0) return;
    try {
      const offer = await enqueue(m, 'subscriber', () => media.subscribe(feeds));
      if (offer && m.media === media) {
        call.send(m, offerMessage(call, offer));
        call.layersChanged();
      }
    } catch (err) {
      this.ctx.log.warn({ err, meetingId: call.meetingId }, 'calls: subscription at admission failed');
      if (m.media !== media) return;
      call.send(m, { type: 'call.error', meetingId: call.meetingId, code: 'no_such_feed', message: 'Subscribe again' });
      call.broadcast();
    }
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

/** A subscription offer as the browser gets it: numbered on its handle, its streams in Parley's terms. */
export function offerMessage(call: LiveCall, o: SubscriptionOffer) {
  return {
    type: 'call.offer' as const,
    meetingId: call.meetingId,
    subscription: o.subscription,
    offer: o.offer,
    jsep: { type: 'offer' as const, sdp: o.jsep.sdp },
    streams: mapStreams(call, o.streams),
  };
}

/** Janus's description of a subscription, in Parley's terms; streams of unknown feeds are left out. */
export function mapStreams(call: LiveCall, streams: { mid: string; type: string; feedId: string; active: boolean }[]) {
  return streams.flatMap((s) => {
    const local = s.active ? call.ownerOfFeed(s.feedId) : undefined;
    const owner = local ? { participantId: local.member.participantId, stream: local.stream } : undefined;
    const found = owner ?? (s.active ? call.remoteFeed(s.feedId) : undefined);
    return found
      ? [{ mid: s.mid, feedId: s.feedId, participantId: found.participantId, stream: found.stream, kind: s.type }]
      : [];
  });
}
