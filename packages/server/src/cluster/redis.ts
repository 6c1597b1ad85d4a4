import { Redis } from 'ioredis';
import type { Envelope, Fanout } from '../realtime/hub.js';
import type { Cluster, DelayedJobs, Presence, WindowCounters } from './cluster.js';

const EVENTS = 'parley:events';
const PRESENCE = 'parley:presence';
const JOBS_DUE = 'parley:jobs:due';
const JOBS_PAYLOAD = 'parley:jobs:payload';

/** A node's presence entries outlive it by this much at most; it renews them three times as often. */
const PRESENCE_TTL_MS = 15_000;
const JOB_POLL_MS = 200;

// Redis's own clock decides when a job is due, so nodes whose clocks disagree still agree on the order.
const SCHEDULE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])`;
// Taking a due job off the set is what makes it this node's: ZREM succeeds on one caller only.
const CLAIM = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 50)
local out = {}
for _, m in ipairs(due) do
  if redis.call('ZREM', KEYS[1], m) == 1 then
    table.insert(out, m)
    table.insert(out, redis.call('HGET', KEYS[2], m) or 'null')
    redis.call('HDEL', KEYS[2], m)
  end
end
return out`;
const COUNT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

type Log = (err: unknown, what: string) => void;

class RedisFanout implements Fanout {
  private handlers: ((e: Envelope) => void)[] = [];
  constructor(private readonly redis: Redis) {}
  async publish(envelope: Envelope): Promise<void> {
    await this.redis.publish(EVENTS, JSON.stringify(envelope));
  }
  onEnvelope(handler: (envelope: Envelope) => void): void {
    this.handlers.push(handler);
  }
  receive(raw: string): void {
    const envelope = JSON.parse(raw) as Envelope;
    for (const h of this.handlers) h(envelope);
  }
  async close(): Promise<void> {
    this.handlers = [];
  }
}

class RedisCounters implements WindowCounters {
  constructor(private readonly redis: Redis) {}
  async add(key: string, windowMs: number): Promise<void> {
    await this.redis.eval(COUNT, 1, `parley:count:${key}`, windowMs);
  }
  async get(key: string): Promise<{ count: number; resetInMs: number } | null> {
    const k = `parley:count:${key}`;
    const [[, count], [, ttl]] = (await this.redis.multi().get(k).pttl(k).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    if (count === null || ttl <= 0) return null;
    return { count: Number(count), resetInMs: ttl };
  }
  async reset(key: string): Promise<void> {
    await this.redis.del(`parley:count:${key}`);
  }
}

class RedisJobs implements DelayedJobs {
  private readonly handlers = new Map<string, (payload: unknown) => Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private polling = false;
  constructor(
    private readonly redis: Redis,
    private readonly log: Log,
  ) {
    this.timer = setInterval(() => void this.poll(), JOB_POLL_MS);
    // Jobs run one after another per node; a slow one delays the rest of that node's batch only.
    this.timer.unref();
  }
  async schedule(kind: string, key: string, payload: unknown, delayMs: number): Promise<void> {
    await this.redis.eval(SCHEDULE, 2, JOBS_DUE, JOBS_PAYLOAD, `${kind}|${key}`, delayMs, JSON.stringify(payload));
  }
  async cancel(kind: string, key: string): Promise<void> {
    await this.redis.multi().zrem(JOBS_DUE, `${kind}|${key}`).hdel(JOBS_PAYLOAD, `${kind}|${key}`).exec();
  }
  handle(kind: string, handler: (payload: unknown) => Promise<void>): () => void {
    this.handlers.set(kind, handler);
    return () => this.handlers.delete(kind);
  }
  private async poll(): Promise<void> {
    // A node without handlers (yet) must not take jobs it cannot run.
    if (this.polling || this.handlers.size === 0 || this.redis.status !== 'ready') return;
    this.polling = true;
    try {
      const claimed = (await this.redis.eval(CLAIM, 2, JOBS_DUE, JOBS_PAYLOAD)) as string[];
      for (let i = 0; i < claimed.length; i += 2) {
        const member = claimed[i]!;
        const kind = member.slice(0, member.indexOf('|'));
        const handler = this.handlers.get(kind);
        // Not run here (any more): back in the set, due now, for a node that runs it.
        if (!handler) await this.schedule(kind, member.slice(kind.length + 1), JSON.parse(claimed[i + 1]!), 0);
        else await handler(JSON.parse(claimed[i + 1]!)).catch((err) => this.log(err, kind));
      }
    } catch (err) {
      this.log(err, 'jobs');
    } finally {
      this.polling = false;
    }
  }
  close(): void {
    clearInterval(this.timer);
  }
}

class RedisPresence implements Presence {
  /** This node's own entries, rewritten on every renewal so they never expire while it lives. */
  private readonly own = new Map<string, Map<string, string>>();
  private readonly handlers: ((scope: string, fromNode: string) => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly log: Log,
  ) {
    this.timer = setInterval(() => void this.renew(), PRESENCE_TTL_MS / 3);
    this.timer.unref();
  }
  private hashKey = (scope: string, node: string) => `parley:presence:${scope}:${node}`;
  private nodesKey = (scope: string) => `parley:presence-nodes:${scope}`;

  async put(scope: string, id: string, value: unknown): Promise<void> {
    const s = this.own.get(scope) ?? new Map<string, string>();
    this.own.set(scope, s);
    s.set(id, JSON.stringify(value));
    await this.write(scope);
    await this.redis.publish(PRESENCE, JSON.stringify({ scope, nodeId: this.nodeId }));
  }

  async drop(scope: string, id: string): Promise<void> {
    const s = this.own.get(scope);
    if (!s?.delete(id)) return;
    if (s.size === 0) this.own.delete(scope);
    await this.redis.hdel(this.hashKey(scope, this.nodeId), id);
    await this.redis.publish(PRESENCE, JSON.stringify({ scope, nodeId: this.nodeId }));
  }

  async list(scope: string): Promise<{ nodeId: string; id: string; value: unknown }[]> {
    const nodes = await this.redis.smembers(this.nodesKey(scope));
    const out: { nodeId: string; id: string; value: unknown }[] = [];
    for (const node of nodes) {
      const entries = await this.redis.hgetall(this.hashKey(scope, node));
      const ids = Object.keys(entries);
      // The node died (its hash expired) or left the scope: forget it.
      if (ids.length === 0) await this.redis.srem(this.nodesKey(scope), node);
      for (const id of ids) out.push({ nodeId: node, id, value: JSON.parse(entries[id]!) });
    }
    return out;
  }

  onChange(handler: (scope: string, fromNode: string) => void): void {
    this.handlers.push(handler);
  }

  receive(raw: string): void {
    const { scope, nodeId } = JSON.parse(raw) as { scope: string; nodeId: string };
    for (const h of this.handlers) h(scope, nodeId);
  }

  private async write(scope: string): Promise<void> {
    const s = this.own.get(scope);
    const key = this.hashKey(scope, this.nodeId);
    const tx = this.redis.multi().del(key);
    if (s && s.size > 0) tx.hset(key, Object.fromEntries(s)).pexpire(key, PRESENCE_TTL_MS);
    tx.sadd(this.nodesKey(scope), this.nodeId).pexpire(this.nodesKey(scope), PRESENCE_TTL_MS * 4);
    await tx.exec();
  }

  private async renew(): Promise<void> {
    for (const scope of this.own.keys()) await this.write(scope).catch((err) => this.log(err, 'presence'));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // A node that stops cleanly takes its entries with it at once (drain); a dead one's expire.
    for (const scope of this.own.keys()) {
      await this.redis.del(this.hashKey(scope, this.nodeId)).catch(() => {});
      await this.redis.publish(PRESENCE, JSON.stringify({ scope, nodeId: this.nodeId })).catch(() => {});
    }
    this.own.clear();
  }
}

/** The shared parts on one Redis (REDIS_URL): pub/sub for events and presence changes, keys for the rest. */
export async function redisCluster(url: string, nodeId: string, log: Log): Promise<Cluster> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true } as const;
  const redis = new Redis(url, { ...options, connectionName: `parley-${nodeId}` });
  const sub = new Redis(url, { ...options, connectionName: `parley-${nodeId}-sub` });
  redis.on('error', (err) => log(err, 'redis'));
  sub.on('error', (err) => log(err, 'redis subscriber'));
  await Promise.all([redis.connect(), sub.connect()]);
  const fanout = new RedisFanout(redis);
  const presence = new RedisPresence(redis, nodeId, log);
  const jobs = new RedisJobs(redis, log);
  sub.on('message', (channel: string, raw: string) => {
    try {
      if (channel === EVENTS) fanout.receive(raw);
      else if (channel === PRESENCE) presence.receive(raw);
    } catch (err) {
      log(err, channel);
    }
  });
  await sub.subscribe(EVENTS, PRESENCE);
  return {
    nodeId,
    kind: 'redis',
    fanout,
    counters: new RedisCounters(redis),
    jobs,
    presence,
    // A Redis that is away must not hold /readyz up: commands queue while ioredis reconnects.
    ping: () =>
      Promise.race([
        redis.ping().then(
          (pong) => pong === 'PONG',
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000).unref()),
      ]),
    close: async () => {
      jobs.close();
      await presence.close();
      await fanout.close();
      await Promise.allSettled([sub.quit(), redis.quit()]);
    },
  };
}
