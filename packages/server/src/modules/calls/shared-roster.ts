import type { CallParticipant } from '@parley/protocol';
import type { Cluster } from '../../cluster/cluster.js';
import { type LiveCall, participantOf } from './live.js';

const scopeOf = (meetingId: string) => `call:${meetingId}`;
/** Entries of a node that died expire in Redis; this is how soon the other nodes' rosters notice. */
const REFRESH_MS = 5_000;

/**
 * The roster across server nodes (docs/deploy.md, "Several nodes"): each node shares the participants whose sockets
 * it holds, keyed by node and expiring with it, and shows the other nodes' participants in its own rosters. The
 * lobby stays with the node of the waiting socket. One node (no Redis): nothing to share, nothing happens.
 */
export class SharedRoster {
  private readonly shared = new Map<string, Map<string, string>>();
  private readonly timer: NodeJS.Timeout | null = null;
  /** Shares run one after another, so a later flush never lands before an earlier one. */
  private sharing: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: Cluster,
    private readonly calls: () => Iterable<LiveCall>,
    private readonly callOf: (meetingId: string) => LiveCall | undefined,
    private readonly onError: (err: unknown) => void,
  ) {
    if (cluster.kind === 'local') return;
    cluster.presence.onChange((scope, fromNode) => {
      if (fromNode === cluster.nodeId || !scope.startsWith('call:')) return;
      const call = this.callOf(scope.slice('call:'.length));
      if (call) this.refresh(call).catch(onError);
    });
    this.timer = setInterval(() => {
      for (const call of this.calls()) this.refresh(call).catch(onError);
    }, REFRESH_MS);
    this.timer.unref();
  }

  /** A call became live on this node: it shows who is in through the other nodes, and shares its own. */
  attach(call: LiveCall): void {
    if (this.cluster.kind === 'local') return;
    call.onFlush = () => {
      this.sharing = this.sharing.then(() => this.share(call)).catch(this.onError);
    };
    this.refresh(call).catch(this.onError);
  }

  /** Shares what changed in this node's part of the roster since the last flush. */
  private async share(call: LiveCall): Promise<void> {
    const scope = scopeOf(call.meetingId);
    const before = this.shared.get(scope) ?? new Map<string, string>();
    const now = new Map(call.ending ? [] : call.admitted().map((m) => [m.participantId, participantOf(m)] as const));
    const after = new Map<string, string>();
    for (const [id, p] of now) {
      const json = JSON.stringify(p);
      after.set(id, json);
      if (before.get(id) !== json) await this.cluster.presence.put(scope, id, p);
    }
    for (const id of before.keys()) if (!now.has(id)) await this.cluster.presence.drop(scope, id);
    if (after.size > 0) this.shared.set(scope, after);
    else this.shared.delete(scope);
  }

  private async refresh(call: LiveCall): Promise<void> {
    const entries = await this.cluster.presence.list(scopeOf(call.meetingId));
    const remote = entries.filter((e) => e.nodeId !== this.cluster.nodeId).map((e) => e.value as CallParticipant);
    if (JSON.stringify(remote) === JSON.stringify(call.remote)) return;
    call.remote = remote;
    call.broadcast();
  }

  /** The call ended or this node let go of it: its participants leave the shared roster. */
  async detach(call: LiveCall): Promise<void> {
    call.onFlush = null;
    call.remote = [];
    if (this.cluster.kind === 'local') return;
    const scope = scopeOf(call.meetingId);
    for (const id of this.shared.get(scope)?.keys() ?? []) await this.cluster.presence.drop(scope, id);
    this.shared.delete(scope);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
