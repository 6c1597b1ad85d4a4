// Authenticated API reads through one balancer, to one Parley node and then to two (issue 16): Debian nginx on
// loopback in front of Parley nodes that are separate processes (each its own event loop, as on its own host), on
// one private PostgreSQL cluster and one redis-server with REDIS_URL. The same nginx is reloaded from one upstream to
// two, so the baseline (one node) and the figure (two nodes) differ only in the number of nodes.
// The load is GET /api/groups with session cookies of the seeded delegates (session lookup, the person's memberships
// and the visible groups: every request reads PostgreSQL), from a fixed number of keep-alive connections, bounded in
// both count and time. Run: npm run bench -- api-nodes
import http from 'node:http';
import { buildApp } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import { openDatabase } from '../packages/server/src/db/client.js';
import { TEST_ORIGIN, TEST_SECRETS_KEY } from '../packages/server/src/test-support/app.js';
import { startRedis } from '../packages/server/src/test-support/two-nodes.js';
import { buildWorld, sessionCookieFor } from '../packages/server/src/test-support/world.js';
import { ensureClusterPackages, type NodeProcess, startNginx, startNode, startPostgres } from './support/cluster.js';
import type { BenchResult } from './types.js';

/** Shorter runs for a quick check of the bench itself: BENCH_API_SECONDS, BENCH_API_MAX_REQUESTS. */
const SECONDS = Number(process.env.BENCH_API_SECONDS) || 10;
const MAX_REQUESTS = Number(process.env.BENCH_API_MAX_REQUESTS) || 200_000;
const CONNECTIONS = 32;
const WARMUP_SECONDS = 2;
const PERSONAS = ['chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;

interface Load {
  requests: number;
  errors: number;
  seconds: number;
  /** Latencies in ms, sorted. */
  latencies: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function get(agent: http.Agent, url: URL, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, headers: { cookie, accept: 'application/json' } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.end();
  });
}

/** CONNECTIONS loops, each one request at a time on its own keep-alive connection, until the time or count is up. */
async function drive(base: string, cookies: string[], seconds: number, maxRequests: number): Promise<Load> {
  const url = new URL('/api/groups', base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, i) => {
      const cookie = cookies[i % cookies.length]!;
      while (performance.now() < until && started < maxRequests) {
        started++;
        const at = performance.now();
        try {
          const status = await get(agent, url, cookie);
          if (status !== 200) errors++;
          else latencies.push(performance.now() - at);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  return { requests: latencies.length, errors, seconds: elapsed, latencies: latencies.sort((a, b) => a - b) };
}

const rps = (l: Load) => l.requests / l.seconds;

function report(label: string, l: Load): void {
  console.log(
    `${label}: ${rps(l).toFixed(0)} req/s (${l.requests} ok, ${l.errors} errors in ${l.seconds.toFixed(1)} s), ` +
      `p50 ${percentile(l.latencies, 50).toFixed(2)} ms, p99 ${percentile(l.latencies, 99).toFixed(2)} ms`,
  );
}

async function measure(base: string, cookies: string[]): Promise<Load> {
  await drive(base, cookies, WARMUP_SECONDS, MAX_REQUESTS);
  const load = await drive(base, cookies, SECONDS, MAX_REQUESTS);
  if (load.errors > 0 || load.requests === 0) throw new Error(`${load.errors} failed requests of ${load.requests}`);
  return load;
}

export async function run(): Promise<BenchResult[]> {
  ensureClusterPackages(false);
  const pg = await startPostgres();
  const redis = await startRedis();
  const nodes: NodeProcess[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    // Migrate and seed once, through the server's own services, then let the node processes serve it.
    const database = await openDatabase({ databaseUrl: pg.url, dataDir: null });
    await database.migrate();
    const seedConfig = loadConfig(
      { PUBLIC_URL: TEST_ORIGIN, DATA_DIR: '/nonexistent', SECRETS_KEY: TEST_SECRETS_KEY },
      { webRoot: '/nonexistent' },
    );
    const { app, ctx } = await buildApp({ config: seedConfig, database, logger: false });
    await app.ready();
    const w = await buildWorld(app, ctx);
    const cookies = await Promise.all(PERSONAS.map((p) => sessionCookieFor(ctx, w.users[p].id)));
    await app.close();
    await database.close();

    const env = (nodeId: string) => ({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      NODE_ID: nodeId,
      PUBLIC_URL: TEST_ORIGIN,
      DATA_DIR: '/nonexistent',
      SECRETS_KEY: TEST_SECRETS_KEY,
      JANUS: '0',
    });
    nodes.push(await startNode(env('node-a')), await startNode(env('node-b')));
    nginx = await startNginx([nodes[0]!.port]);

    console.log(`${CONNECTIONS} connections, ${SECONDS} s per run (after ${WARMUP_SECONDS} s warm-up)`);
    const one = await measure(nginx.url, cookies);
    report('one node behind nginx', one);
    await nginx.route(nodes.map((n) => n.port));
    const two = await measure(nginx.url, cookies);
    report('two nodes behind nginx', two);
    const ratio = rps(two) / rps(one);
    console.log(`two nodes / one node: ${ratio.toFixed(2)}x; per node with two: ${(rps(two) / 2).toFixed(0)} req/s`);
    return [
      {
        name: 'API reads, two nodes vs one behind nginx (GET /api/groups)',
        value: rps(two),
        baseline: rps(one),
        ratio,
        unit: 'req/s',
        target: '>= 1.6x baseline (or the per-node figure where the cores are shared)',
      },
      {
        name: 'API read p50 latency, two nodes vs one',
        value: percentile(two.latencies, 50),
        baseline: percentile(one.latencies, 50),
        ratio: percentile(two.latencies, 50) / percentile(one.latencies, 50),
        unit: 'ms',
        target: 'informative',
      },
      {
        name: 'API read p99 latency, two nodes vs one',
        value: percentile(two.latencies, 99),
        baseline: percentile(one.latencies, 99),
        ratio: percentile(two.latencies, 99) / percentile(one.latencies, 99),
        unit: 'ms',
        target: 'informative',
      },
    ];
  } finally {
    await nginx?.stop();
    for (const n of nodes) await n.stop();
    await redis.stop();
    await pg.stop();
  }
}
