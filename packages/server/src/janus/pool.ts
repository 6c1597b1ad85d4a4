import { EventEmitter } from 'node:events';
import { DEFAULT_FAILOVER_MS, type JanusNodeSpec, type JanusOptions } from './config.js';
import type { JanusLogger } from './errors.js';
import { type JanusService, startJanus } from './index.js';

type PoolEvents = {
  /** The connection to a node dropped: its rooms cannot be driven until it is back or declared dead. */
  disconnected: [nodeId: string];
  /** A node came back after a drop (a restart loses its rooms, sessions and handles). */
  reset: [nodeId: string];
  /** A node stayed unreachable for `failoverMs`: its calls move to another node. */
  dead: [nodeId: string];
};

/** How long a node may stay unreachable before its calls move (a supervised child restarts well within it). */

/**
 * The media servers of this Parley node, by id. Every Parley node of a deployment lists the same nodes, so a call
 * placed on a node (its id and room in `calls`) can be driven from any of them (docs/deploy.md, "Several Janus").
 */
export class JanusPool extends EventEmitter<PoolEvents> {
  private readonly down = new Map<string, NodeJS.Timeout | 'dead'>();

  constructor(
    readonly nodes: ReadonlyMap<string, JanusService>,
    readonly failoverMs = DEFAULT_FAILOVER_MS,
  ) {
    super();
    for (const [id, service] of nodes) {
      service.client.on('disconnected', () => {
        if (!this.down.has(id)) {
          const timer = setTimeout(() => {
            this.down.set(id, 'dead');
            this.emit('dead', id);
          }, failoverMs);
          timer.unref();
          this.down.set(id, timer);
        }
        this.emit('disconnected', id);
      });
      service.client.on('connected', () => {
        const t = this.down.get(id);
        if (t && t !== 'dead') clearTimeout(t);
        this.down.delete(id);
      });
      service.client.on('reset', () => this.emit('reset', id));
    }
  }

  /** The first node: what a single-Janus deployment has (and what older callers of `ctx.janus` see). */
  get first(): JanusService {
    return this.nodes.values().next().value!;
  }

  get(id: string | null): JanusService | undefined {
    return id === null ? undefined : this.nodes.get(id);
  }

  isUp(id: string): boolean {
    return this.nodes.get(id)?.isUp() ?? false;
  }

  /** Every node connected (readiness), by id. */
  health(): Record<string, boolean> {
    return Object.fromEntries([...this.nodes].map(([id, s]) => [id, s.isUp()]));
  }

  anyUp(): boolean {
    return [...this.nodes.values()].some((s) => s.isUp());
  }

  /** The connected node with the fewest running calls (`load`: calls per node id, across all Parley nodes). */
  leastLoaded(load: ReadonlyMap<string, number>, avoid?: string): string | undefined {
    let best: string | undefined;
    for (const id of this.nodes.keys()) {
      if (id === avoid || !this.isUp(id)) continue;
      if (best === undefined || (load.get(id) ?? 0) < (load.get(best) ?? 0)) best = id;
    }
    return best;
  }

  async stop(): Promise<void> {
    for (const t of this.down.values()) if (t !== 'dead') clearTimeout(t);
    await Promise.all([...this.nodes.values()].map((s) => s.stop()));
  }
}

/** Connects to every node of `JANUS_NODES` (each an external Janus; none of them is started by Parley). */
export async function startJanusNodes(
  specs: JanusNodeSpec[],
  log: JanusLogger,
  failoverMs = DEFAULT_FAILOVER_MS,
): Promise<JanusPool> {
  const nodes = new Map<string, JanusService>();
  try {
    for (const spec of specs) {
      const service = await startJanus(
        { ...externalDefaults, enabled: true, url: spec.url, adminKey: spec.adminKey, failoverMs },
        childLog(log, spec.id),
      );
      nodes.set(spec.id, service);
    }
  } catch (err) {
    await Promise.all([...nodes.values()].map((s) => s.stop()));
    throw err;
  }
  return new JanusPool(nodes, failoverMs);
}

const externalDefaults = {
  nodes: [],
  adminSecret: null,
  binary: 'janus',
  libDir: '',
  configDir: null,
  debugLevel: 4,
  runAs: 'nobody',
  ice: {
    stunServer: null,
    nat1to1Mapping: null,
    keepPrivateHost: false,
    enforceList: null,
    ignoreList: null,
    rtpPortRange: null,
  },
};

function childLog(log: JanusLogger, node: string): JanusLogger {
  const at =
    (fn: (o: object, m?: string) => void) =>
    (obj: object, msg?: string): void =>
      fn({ ...obj, janusNode: node }, msg);
  return {
    debug: at(log.debug.bind(log)),
    info: at(log.info.bind(log)),
    warn: at(log.warn.bind(log)),
    error: at(log.error.bind(log)),
  };
}

/**
 * The media servers of this Parley node from its settings: every node of `JANUS_NODES`, else the one Janus of
 * `JANUS_URL` (id "janus", shared by every Parley node that names it) or the supervised child (its own per Parley
 * node, so its id names the Parley node).
 */
export async function startMedia(opts: JanusOptions, log: JanusLogger, parleyNodeId: string): Promise<JanusPool> {
  if (opts.nodes.length > 0) return startJanusNodes(opts.nodes, log, opts.failoverMs);
  const service = await startJanus(opts, log);
  return new JanusPool(new Map([[opts.url ? 'janus' : `child-${parleyNodeId}`, service]]), opts.failoverMs);
}
