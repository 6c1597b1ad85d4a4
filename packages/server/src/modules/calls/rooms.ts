import type { AppContext } from '../../context.js';
import { conflict, HttpError, withCode } from '../../http/errors.js';
import type { JanusService, RoomHandle } from '../../janus/index.js';
import type { JanusPool } from '../../janus/pool.js';
import { CallError } from './errors.js';
import type { LiveCall, Member } from './live.js';
import { type MediaEvents, ParticipantMedia } from './media.js';
import { callLoad, movePlacement, type Placement, placementOf } from './placement.js';

/** What the rooms need of the call manager. */
export interface RoomsHost {
  allCalls(): LiveCall[];
  isLive(call: LiveCall): boolean;
  isClosed(): boolean;
  mediaEvents(call: LiveCall, m: Member): MediaEvents;
  newToken(): string;
}

const unavailable = (why: string) => new HttpError(503, 'Service Unavailable', why);

/**
 * Where each call's media room is (docs/architecture.md §4, docs/deploy.md "Several Janus nodes"): a new call goes to
 * the least loaded Janus node, its placement is stored with the call so every Parley node drives the same room, and
 * when a node restarts or dies its calls get a room again (on another node if it died). Participants are told
 * `call.media-restart` and publish and subscribe again; their MLS keys are untouched (docs/call-keys.md §10).
 */
export class CallRooms {
  private watched: JanusPool | null = null;
  private recovering: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly host: RoomsHost,
  ) {}

  /** The media servers, watched from the first time calls use them (they start when the app is ready). */
  pool(): JanusPool | null {
    const pool = this.ctx.janusPool ?? null;
    if (pool && pool !== this.watched) {
      this.watched = pool;
      pool.on('disconnected', (node) => this.mediaLost(node));
      pool.on('reset', (node) => this.recover(node));
      pool.on('dead', (node) => {
        this.ctx.log.warn({ janusNode: node }, 'calls: a media server is unreachable; moving its calls');
        this.recover(node, node);
      });
    }
    return pool;
  }

  require(): JanusPool {
    const pool = this.pool();
    if (!pool) throw unavailable('Calls are not available on this server');
    if (!pool.anyUp()) throw unavailable('The media server is restarting; try again shortly');
    return pool;
  }

  janusOf(call: LiveCall): JanusService | undefined {
    return this.pool()?.get(call.janusNode);
  }

  mediaFor(call: LiveCall): { janus: JanusService; room: RoomHandle } {
    const janus = this.janusOf(call);
    if (!janus?.isUp() || call.mediaDown || !call.room)
      throw new CallError('media_unavailable', 'The media server is restarting; wait for call.media-restart');
    return { janus, room: call.room };
  }

  /** A new room on the least loaded node that is up (not on `avoid`). */
  async create(avoid?: string): Promise<{ node: string; janus: JanusService; room: RoomHandle }> {
    const pool = this.require();
    const node = pool.leastLoaded(await callLoad(this.ctx.db), avoid);
    const janus = pool.get(node ?? null);
    if (!node || !janus) throw unavailable('No media server is available; try again shortly');
    const room = await janus.rooms.create({
      allowed: [],
      publishers: 50,
      description: 'parley-call',
      notifyJoining: false,
    });
    return { node, janus, room };
  }

  async destroy(call: LiveCall): Promise<void> {
    const janus = this.janusOf(call);
    if (call.room && janus?.isUp()) await janus.rooms.destroy(call.room).catch(() => {});
  }

  /** Places a newly created room on the call (its row already names it). */
  use(call: LiveCall, placed: { node: string; room: RoomHandle }): void {
    call.janusNode = placed.node;
    call.room = placed.room;
  }

  /**
   * Gives the call the room its row names if that room still runs on a live node, else a new room, stored with a
   * compare-and-set so that Parley nodes racing to do the same end up in one room.
   */
  async settle(call: LiveCall, seen: Placement, avoid?: string): Promise<void> {
    for (let round = 0; round < 4; round++) {
      const pool = this.require();
      const janus = seen.node !== avoid ? pool.get(seen.node) : undefined;
      if (janus?.isUp() && (await janus.rooms.exists(seen.room).catch(() => false))) {
        call.janusNode = seen.node;
        call.room = janus.rooms.handleFor(seen.room);
        return;
      }
      const placed = await this.create(avoid);
      if (await movePlacement(this.ctx.db, call.callId, seen, { node: placed.node, room: placed.room.room })) {
        this.use(call, placed);
        return;
      }
      await placed.janus.rooms.destroy(placed.room).catch(() => {});
      const now = await placementOf(this.ctx.db, call.callId);
      if (!now) throw withCode(conflict('The call is no longer running'), 'call_not_running');
      seen = now;
    }
    throw unavailable('The call’s media room could not be placed; try again shortly');
  }

  /** A node went away: feeds on it disappear from the rosters until its calls have a room again. */
  private mediaLost(node: string): void {
    for (const call of this.host.allCalls()) {
      if (call.janusNode !== node) continue;
      call.mediaDown = true;
      for (const m of call.members.values()) {
        m.feeds.clear();
        m.speaking = false;
      }
      call.broadcast();
    }
  }

  /** Rebuilds the rooms of the node's calls, one call after another; `avoid` moves them off a dead node. */
  private recover(node: string, avoid?: string): void {
    this.recovering = this.recovering.then(async () => {
      for (const call of this.host.allCalls()) {
        if (call.janusNode !== node) continue;
        for (let attempt = 0; !this.host.isClosed() && this.host.isLive(call); attempt++) {
          try {
            await this.rebuild(call, avoid);
            break;
          } catch (err) {
            this.ctx.log.warn({ err, meetingId: call.meetingId, attempt }, 'calls: rebuilding the room failed');
            if (attempt >= 5) break; // the node's next reset (or death) tries again
            await new Promise((r) => setTimeout(r, 200 * 2 ** attempt).unref());
          }
        }
      }
    });
  }

  /**
   * The call's room is gone (Janus restarted) or unreachable (Janus died): this node's admitted participants get new
   * one-time tokens in the call's room, wherever it now is, and are told to publish and subscribe again.
   */
  private async rebuild(call: LiveCall, avoid?: string): Promise<void> {
    call.mediaDown = true;
    const admitted = call.admitted();
    await Promise.all(admitted.map((m) => m.media?.close()));
    const seen =
      (await placementOf(this.ctx.db, call.callId)) ??
      (call.room ? { node: call.janusNode, room: call.room.room } : undefined);
    if (!seen) return;
    await this.settle(call, seen, avoid);
    const janus = this.janusOf(call);
    const room = call.room;
    if (!janus || !room) throw new Error('no room after settling');
    const tokens = new Map(admitted.map((m) => [m, this.host.newToken()]));
    if (tokens.size > 0) await janus.rooms.allow(room, [...tokens.values()]);
    call.mediaDown = false;
    for (const [m, token] of tokens) {
      m.feeds.clear();
      m.media = await ParticipantMedia.open(janus.client, room, token, m.participantId, this.host.mediaEvents(call, m));
    }
    for (const m of admitted) call.send(m, { type: 'call.media-restart', meetingId: call.meetingId });
    call.broadcast();
  }
}
