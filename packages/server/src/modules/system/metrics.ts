import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../../context.js';
import { callLoad, callManagerOf } from '../calls/index.js';

export interface Metrics {
  registry: Registry;
  httpSeconds: Histogram;
  dbQuerySeconds: Histogram;
}

export function createMetrics(ctx: AppContext): Metrics {
  // A registry per app instance: tests build many apps in one process.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const httpSeconds = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'parley_websockets_open',
    help: 'Open WebSocket connections',
    registers: [registry],
    collect() {
      this.set(ctx.hub.openConnections);
    },
  });
  // [janus hook] Media server liveness and restarts of the supervised child (0 when Janus is off).
  new Gauge({
    name: 'parley_janus_up',
    help: 'Whether Parley is connected to some running Janus (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(ctx.janusPool?.anyUp() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'parley_janus_node_up',
    help: 'Whether this Parley node is connected to each Janus node (1) or not (0)',
    labelNames: ['janus_node'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [id, up] of Object.entries(ctx.janusPool?.health() ?? {})) this.set({ janus_node: id }, up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'parley_janus_node_calls',
    help: 'Running calls and caucuses placed on each Janus node (from the database: the same on every Parley node)',
    labelNames: ['janus_node'],
    registers: [registry],
    async collect() {
      this.reset();
      const pool = ctx.janusPool;
      if (!pool) return;
      const load = await callLoad(ctx.db);
      for (const id of pool.nodes.keys()) this.set({ janus_node: id }, load.get(id) ?? 0);
    },
  });
  new Counter({
    name: 'parley_janus_restarts_total',
    help: 'Restarts of the supervised Janus child after it died',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ctx.janus?.restarts() ?? 0);
    },
  });
  // Per node: behind a load balancer each node reports the calls whose participants it holds.
  new Gauge({
    name: 'parley_node_info',
    help: 'This node: its id and whether it shares state through Redis (cluster="redis") or alone ("local")',
    labelNames: ['node', 'cluster'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ node: ctx.cluster.nodeId, cluster: ctx.cluster.kind }, 1);
    },
  });
  new Gauge({
    name: 'parley_calls_running',
    help: 'Calls with a room driven by this node',
    labelNames: ['node'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ node: ctx.cluster.nodeId }, callManagerOf(ctx)?.calls.size ?? 0);
    },
  });
  new Gauge({
    name: 'parley_call_participants',
    help: 'Admitted call participants whose socket is on this node',
    labelNames: ['node'],
    registers: [registry],
    collect() {
      this.reset();
      let n = 0;
      for (const call of callManagerOf(ctx)?.calls.values() ?? []) n += call.admitted().length;
      this.set({ node: ctx.cluster.nodeId }, n);
    },
  });
  const dbQuerySeconds = new Histogram({
    name: 'parley_db_query_duration_seconds',
    help: 'Database query latency',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  new Counter({
    name: 'parley_build_info',
    help: 'Build information',
    labelNames: ['database'],
    registers: [registry],
  }).inc({
    database: ctx.database.kind,
  });
  ctx.database.onQuery = (s) => dbQuerySeconds.observe(s);
  return { registry, httpSeconds, dbQuerySeconds };
}

/** Registered on the root instance (not inside a plugin) so that it times every route. */
export function observeHttpLatency(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // Label by route pattern, never by raw URL, so ids do not explode the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpSeconds.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

export async function systemRoutes(
  app: FastifyInstance,
  opts: {
    ctx: AppContext;
    metrics: Metrics;
    readiness: () => Promise<Record<string, boolean>>;
    /** Reported beside the checks without deciding readiness: one dead media server must not take every node out. */
    details?: () => Record<string, unknown>;
  },
) {
  const { metrics } = opts;

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks = await opts.readiness();
    const ready = Object.values(checks).every(Boolean);
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', checks, ...opts.details?.() };
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
