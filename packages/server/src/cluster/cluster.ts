import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Fanout } from '../realtime/hub.js';
import { LocalFanout } from '../realtime/hub.js';

/**
 * What several server nodes share (docs/deploy.md, "Several nodes"): realtime fan-out, short-lived counters,
 * delayed jobs that must run once, and who is in which call. One node keeps all of it in memory; with REDIS_URL
 * every node reads and writes the same Redis. Durable state stays in PostgreSQL.
 */
export interface Cluster {
  /** This node's name in metrics and presence (NODE_ID, else host name and a random suffix). */
  readonly nodeId: string;
  readonly kind: 'local' | 'redis';
  readonly fanout: Fanout;
  readonly counters: WindowCounters;
  readonly jobs: DelayedJobs;
  readonly presence: Presence;
  /** Redis answers (true when there is no Redis to ask). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Counts per key in a fixed window that starts with the first count (login failures). */
export interface WindowCounters {
  add(key: string, windowMs: number): Promise<void>;
  /** The count and the milliseconds until the window ends; null once it has ended. */
  get(key: string): Promise<{ count: number; resetInMs: number } | null>;
  reset(key: string): Promise<void>;
}

/**
 * Jobs due after a delay that run once, on one node, even if the node that scheduled them is gone by then
 * (MLS nomination fallbacks). Scheduling a key again replaces its job; a handler is registered per kind.
 */
export interface DelayedJobs {
  schedule(kind: string, key: string, payload: unknown, delayMs: number): Promise<void>;
  cancel(kind: string, key: string): Promise<void>;
  /** Returns the undo: a node that stops running a kind leaves its jobs to the other nodes. */
  handle(kind: string, handler: (payload: unknown) => Promise<void>): () => void;
}

/**
 * Who is in a call, per node: each node writes the entries of its own sockets and renews them; a dead node's
 * entries expire. `changed` tells every node that a call's entries changed, so it refreshes its rosters.
 */
export interface Presence {
  put(scope: string, id: string, value: unknown): Promise<void>;
  drop(scope: string, id: string): Promise<void>;
  /** Every node's live entries of a scope, with the node that holds each. */
  list(scope: string): Promise<{ nodeId: string; id: string; value: unknown }[]>;
  onChange(handler: (scope: string, fromNode: string) => void): void;
}

export function defaultNodeId(env: NodeJS.ProcessEnv = process.env): string {
  return env.NODE_ID || `${hostname()}-${randomUUID().slice(0, 8)}`;
}

export class LocalCounters implements WindowCounters {
  private readonly entries = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  async add(key: string, windowMs: number): Promise<void> {
    const t = this.now();
    const e = this.entries.get(key);
    if (!e || t >= e.resetAt) this.entries.set(key, { count: 1, resetAt: t + windowMs });
    else e.count += 1;
    if (this.entries.size > 100_000) for (const [k, x] of this.entries) if (t >= x.resetAt) this.entries.delete(k);
  }

  async get(key: string): Promise<{ count: number; resetInMs: number } | null> {
    const e = this.entries.get(key);
    const t = this.now();
    if (!e) return null;
    if (t >= e.resetAt) {
      this.entries.delete(key);
      return null;
    }
    return { count: e.count, resetInMs: e.resetAt - t };
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

export class LocalJobs implements DelayedJobs {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly handlers = new Map<string, (payload: unknown) => Promise<void>>();
  private closed = false;
  constructor(private readonly onError: (err: unknown, kind: string) => void) {}

  async schedule(kind: string, key: string, payload: unknown, delayMs: number): Promise<void> {
    if (this.closed) return;
    await this.cancel(kind, key);
    const id = `${kind}:${key}`;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.handlers
        .get(kind)?.(payload)
        .catch((err) => this.onError(err, kind));
    }, delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  async cancel(kind: string, key: string): Promise<void> {
    const id = `${kind}:${key}`;
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  handle(kind: string, handler: (payload: unknown) => Promise<void>): () => void {
    this.handlers.set(kind, handler);
    return () => this.handlers.delete(kind);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

export class LocalPresence implements Presence {
  private readonly scopes = new Map<string, Map<string, unknown>>();
  private readonly handlers: ((scope: string, fromNode: string) => void)[] = [];
  constructor(private readonly nodeId: string) {}

  async put(scope: string, id: string, value: unknown): Promise<void> {
    const s = this.scopes.get(scope) ?? new Map<string, unknown>();
    this.scopes.set(scope, s);
    s.set(id, value);
  }

  async drop(scope: string, id: string): Promise<void> {
    const s = this.scopes.get(scope);
    s?.delete(id);
    if (s?.size === 0) this.scopes.delete(scope);
  }

  async list(scope: string): Promise<{ nodeId: string; id: string; value: unknown }[]> {
    return [...(this.scopes.get(scope) ?? [])].map(([id, value]) => ({ nodeId: this.nodeId, id, value }));
  }

  // One node: nobody else changes its entries.
  onChange(handler: (scope: string, fromNode: string) => void): void {
    this.handlers.push(handler);
  }
}

/** One node, everything in memory: the behaviour without REDIS_URL. */
export function localCluster(
  nodeId: string,
  onError: (err: unknown, kind: string) => void = () => {},
  fanout: Fanout = new LocalFanout(),
): Cluster {
  const jobs = new LocalJobs(onError);
  return {
    nodeId,
    kind: 'local',
    fanout,
    counters: new LocalCounters(),
    jobs,
    presence: new LocalPresence(nodeId),
    ping: async () => true,
    close: async () => {
      jobs.close();
      await fanout.close();
    },
  };
}
