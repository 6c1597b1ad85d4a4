import { randomUUID } from 'node:crypto';
import type { CallParticipant, LobbyEntry } from '@parley/protocol';
import type { Cluster } from '../../cluster/cluster.js';
import { type LiveCall, lobbyEntryOf, participantOf } from './live.js';

/** A plenary's roster is shared under its meeting, a caucus's under its own id (a meeting has one of each per side). */
const scopeOf = (call: LiveCall) => (call.caucusOf ? `caucus:${call.callId}` : `call:${call.meetingId}`);
/** Nodes are told here that a meeting's caucuses opened or closed; PostgreSQL says which are open. */
const caucusesScope = (meetingId: string) => `caucuses:${meetingId}`;
/** Who waits in a plenary's lobby through each node: an admitter of their side may be on another node. */
const lobbyScope = (meetingId: string) => `lobby:${meetingId}`;
/** Requests for the node that holds a participant's socket: it alone can admit, remove or recall them. */
const askScope = (meetingId: string) => `ask:${meetingId}`;
/** Entries of a node that died expire in Redis; this is how soon the other nodes' rosters notice. */
const REFRESH_MS = 5_000;
/** A request is news for a few seconds only; its entry then goes, so it is never carried out twice. */
const ASK_KEPT_MS = 10_000;

/**
 * What one node asks of the node holding a participant's socket, after checking the asker's right to it: the
 * origin has the asker's standing, the target node has the participant.
 */
export type RemoteRequest =
  | { op: 'admit' | 'deny'; participantId: string }
  | { op: 'remove'; participantId: string; caucusId?: string; byUserId: string }
  | { op: 'mute'; participantId: string; caucusId?: string; byName: string }
  | { op: 'recall'; caucusId: string; byName: string };

export interface SharedRosterHooks {
  /** The plenaries running on this node. */
  plenaries(): Iterable<LiveCall>;
  /** Reconciles a plenary's caucuses with the rows another node wrote. */
  syncCaucuses(meetingId: string): Promise<void>;
  /** Carries out another node's request about a participant or caucus of this meeting, if it is here. */
  asked(meetingId: string, request: RemoteRequest): Promise<void>;
  onError(err: unknown): void;
}

/**
 * The rosters across server nodes (docs/deploy.md, "Several nodes"): each node shares the participants whose
 * sockets it holds, in plenaries and caucuses, keyed by node and expiring with it, and shows the other nodes'
 * participants in its own rosters. The lobby stays with the node of the waiting socket. A caucus opened, closed or
 * recalled through one node reaches the others' sockets the same way. One node (no Redis): nothing happens.
 */
export class SharedRoster {
  private readonly shared = new Map<string, Map<string, string>>();
  private readonly attached = new Map<string, LiveCall>();
  private readonly seenAsks = new Set<string>();
  private readonly refreshing = new Map<LiveCall, { again: boolean }>();
  private readonly timer: NodeJS.Timeout | null = null;
  /** Shares run one after another, so a later flush never lands before an earlier one. */
  private sharing: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: Cluster,
    private readonly hooks: SharedRosterHooks,
  ) {
    if (cluster.kind === 'local') return;
    const { onError } = hooks;
    cluster.presence.onChange((scope, fromNode) => {
      if (fromNode === cluster.nodeId) return;
      const call = this.attached.get(scope);
      const [kind, meetingId = ''] = scope.split(':', 2);
      if (call) this.refresh(call);
      else if (kind === 'caucuses') hooks.syncCaucuses(meetingId).catch(onError);
      else if (kind === 'ask') this.readAsks(meetingId).catch(onError);
      else if (kind === 'lobby') {
        const plenary = this.attached.get(`call:${meetingId}`);
        if (plenary) this.refresh(plenary);
      }
    });
    this.timer = setInterval(() => {
      for (const call of this.attached.values()) this.refresh(call);
      for (const plenary of hooks.plenaries()) hooks.syncCaucuses(plenary.meetingId).catch(onError);
    }, REFRESH_MS);
    this.timer.unref();
  }

  /** A call became live on this node: it shows who is in through the other nodes, and shares its own. */
  attach(call: LiveCall): void {
    if (this.cluster.kind === 'local') return;
    this.attached.set(scopeOf(call), call);
    call.onFlush = () => {
      this.sharing = this.sharing.then(() => this.share(call)).catch(this.hooks.onError);
    };
    this.refresh(call);
  }

  /** Tells the other nodes that a caucus of this meeting opened (`open`) or closed. */
  async caucusChanged(caucus: LiveCall, open: boolean): Promise<void> {
    if (this.cluster.kind === 'local') return;
    const scope = caucusesScope(caucus.meetingId);
    if (open) await this.cluster.presence.put(scope, caucus.callId, caucus.caucusOf?.sideId ?? null);
    else await this.cluster.presence.drop(scope, caucus.callId);
  }

  /** Leaves a request for the other nodes; the one holding its participant carries it out. */
  async ask(meetingId: string, request: RemoteRequest): Promise<void> {
    if (this.cluster.kind === 'local') return;
    const scope = askScope(meetingId);
    const id = randomUUID();
    await this.cluster.presence.put(scope, id, request);
    setTimeout(() => this.cluster.presence.drop(scope, id).catch(this.hooks.onError), ASK_KEPT_MS).unref();
  }

  private async readAsks(meetingId: string): Promise<void> {
    for (const e of await this.cluster.presence.list(askScope(meetingId))) {
      if (e.nodeId === this.cluster.nodeId || this.seenAsks.has(e.id)) continue;
      this.seenAsks.add(e.id);
      setTimeout(() => this.seenAsks.delete(e.id), 4 * ASK_KEPT_MS).unref();
      await this.hooks.asked(meetingId, e.value as RemoteRequest);
    }
  }

  /** Shares what changed in this node's part of the roster (and of a plenary's lobby) since the last flush. */
  private async share(call: LiveCall): Promise<void> {
    const live = !call.ending;
    await this.shareScope(
      scopeOf(call),
      live ? call.admitted().map((m) => [m.participantId, participantOf(m)] as const) : [],
    );
    if (call.caucusOf) return;
    const waiting = live ? [...call.members.values()].filter((m) => m.state === 'lobby') : [];
    await this.shareScope(
      lobbyScope(call.meetingId),
      waiting.map((m) => [m.participantId, lobbyEntryOf(m)] as const),
    );
  }

  private async shareScope(scope: string, entries: (readonly [string, unknown])[]): Promise<void> {
    const before = this.shared.get(scope) ?? new Map<string, string>();
    const now = new Map(entries);
    const after = new Map<string, string>();
    for (const [id, value] of now) {
      const json = JSON.stringify(value);
      after.set(id, json);
      if (before.get(id) !== json) await this.cluster.presence.put(scope, id, value);
    }
    for (const id of before.keys()) if (!now.has(id)) await this.cluster.presence.drop(scope, id);
    if (after.size > 0) this.shared.set(scope, after);
    else this.shared.delete(scope);
  }

  /**
   * Reads the other nodes' part of a call's roster. Reads of one call run one after another: two overlapping reads
   * can finish in either order, and an older one finishing last would take back a delegate the screens already show
   * waiting (an admitter then asks for someone this node no longer knows). A change during a read is read again after
   * (docs/deploy.md, "Several nodes").
   */
  private refresh(call: LiveCall): void {
    const running = this.refreshing.get(call);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: true };
    this.refreshing.set(call, state);
    void (async () => {
      while (state.again) {
        state.again = false;
        await this.read(call).catch(this.hooks.onError);
      }
      this.refreshing.delete(call);
    })();
  }

  private async read(call: LiveCall): Promise<void> {
    const others = async (scope: string) =>
      (await this.cluster.presence.list(scope)).filter((e) => e.nodeId !== this.cluster.nodeId).map((e) => e.value);
    const here = new Set([...call.members.values()].map((m) => m.person.userId));
    const remote = current((await others(scopeOf(call))) as CallParticipant[], here);
    const lobby = call.caucusOf
      ? []
      : ((await others(lobbyScope(call.meetingId))) as LobbyEntry[]).filter((e) => !here.has(e.userId));
    // Let go of while this read ran: what it read is no longer this node's to show.
    if (this.attached.get(scopeOf(call)) !== call) return;
    if (JSON.stringify([remote, lobby]) === JSON.stringify([call.remote, call.remoteLobby])) return;
    call.remote = remote;
    call.remoteLobby = lobby;
    call.broadcast();
  }

  /** The call ended or this node let go of it: its participants leave the shared roster. */
  async detach(call: LiveCall): Promise<void> {
    call.onFlush = null;
    call.remote = [];
    call.remoteLobby = [];
    if (this.cluster.kind === 'local') return;
    const scope = scopeOf(call);
    if (this.attached.get(scope) === call) this.attached.delete(scope);
    for (const s of call.caucusOf ? [scope] : [scope, lobbyScope(call.meetingId)]) {
      for (const id of this.shared.get(s)?.keys() ?? []) await this.cluster.presence.drop(s, id);
      this.shared.delete(s);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/**
 * A person is in a call once. Someone whose node died and who came back through another node is still listed by
 * the dead node until its entries expire: the entry of the person's live socket wins (here, else the latest join).
 */
export function current(remote: CallParticipant[], here: ReadonlySet<string>): CallParticipant[] {
  const latest = new Map<string, CallParticipant>();
  for (const p of remote) {
    if (here.has(p.userId)) continue;
    const seen = latest.get(p.userId);
    if (!seen || seen.joinedAt < p.joinedAt) latest.set(p.userId, p);
  }
  return remote.filter((p) => latest.get(p.userId) === p);
}
