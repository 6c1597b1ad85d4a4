// Realtime fan-out across server nodes (issue 16): one event published on node A reaches 1,000 subscribed sockets,
// half on node A and half on node B, through Redis pub/sub and each node's policy filter (a real redis-server on a
// loopback port, two real Parley apps with REDIS_URL, real `ws` clients). The same-run baseline is a raw `ws`
// server broadcasting the same JSON to 1,000 sockets from one process: no Redis, no policy, no second node.
// Delivery = from just before the publish to the client's 'message' event, over every socket of every round.
// Both nodes, the Redis client and the 1,000 clients share this one process (and one in-memory database: the
// fan-out path does not touch it while the readers' facts are cached), so the figures include the clients' cost
// on both sides alike. Run: npm run bench -- fanout
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { domainEvent, type ServerMessage } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import WebSocket, { WebSocketServer } from 'ws';
import { buildApp } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import type { AppContext } from '../packages/server/src/context.js';
import { TEST_ORIGIN, TEST_SECRETS_KEY } from '../packages/server/src/test-support/app.js';
import { freshDatabase } from '../packages/server/src/test-support/database.js';
import { REDIS_SERVER, startRedis } from '../packages/server/src/test-support/two-nodes.js';
import { buildWorld, sessionCookieFor } from '../packages/server/src/test-support/world.js';
import type { BenchResult } from './types.js';

/** Smaller runs for a quick check of the bench itself: BENCH_FANOUT_SOCKETS, BENCH_ROUNDS. */
const SOCKETS = Number(process.env.BENCH_FANOUT_SOCKETS) || 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 30;
const WARMUP_ROUNDS = 3;
const ROUND_TIMEOUT_MS = 15_000;
const OPEN_BATCH = 50;
const PERSONAS = ['chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;

interface Client {
  ws: WebSocket;
  /** Called with the receive time of each message. */
  onMessage: (raw: string, at: number) => void;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function openClient(url: string, headers: Record<string, string>, ready: (raw: string) => boolean) {
  const ws = new WebSocket(url, { headers });
  const client: Client = { ws, onMessage: () => {} };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket to ${url} not ready`)), 20_000);
    client.onMessage = (raw) => {
      if (!ready(raw)) return;
      clearTimeout(timer);
      resolve();
    };
    ws.on('message', (data) => client.onMessage(data.toString(), performance.now()));
    ws.once('error', reject);
  });
  return client;
}

async function inBatches<T>(n: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += OPEN_BATCH)
    out.push(...(await Promise.all(Array.from({ length: Math.min(OPEN_BATCH, n - i) }, (_, j) => open(i + j)))));
  return out;
}

/** Runs `rounds` publications; each waits until every client has its message. Delivery times in ms. */
async function measure(
  clients: Client[],
  publish: (roundId: string) => Promise<void> | void,
  matches: (raw: string, roundId: string) => boolean,
): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const roundId = randomUUID();
    let pending = clients.length;
    let t0 = 0;
    const times: number[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`round ${round}: ${pending} sockets got nothing`)),
        ROUND_TIMEOUT_MS,
      );
      for (const c of clients)
        c.onMessage = (raw, at) => {
          if (!matches(raw, roundId)) return;
          times.push(at - t0);
          if (--pending === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
    });
    t0 = performance.now();
    await publish(roundId);
    await done;
    if (round >= WARMUP_ROUNDS) samples.push(...times);
  }
  return samples.sort((a, b) => a - b);
}

async function parleyTwoNodes(): Promise<number[]> {
  const redis = await startRedis();
  const database = await freshDatabase();
  const apps: { app: FastifyInstance; ctx: AppContext; ws: string }[] = [];
  try {
    for (const nodeId of ['bench-a', 'bench-b']) {
      const config = loadConfig(
        {
          HOST: '127.0.0.1',
          PUBLIC_URL: TEST_ORIGIN,
          DATA_DIR: '/nonexistent',
          SECRETS_KEY: TEST_SECRETS_KEY,
          REDIS_URL: redis.url,
          NODE_ID: nodeId,
          LOG_LEVEL: 'warn',
        },
        { webRoot: '/nonexistent' },
      );
      const { app, ctx } = await buildApp({ config, database, logger: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      apps.push({ app, ctx, ws: `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws` });
    }
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    // The world is written once, through node A; both nodes read the same database.
    const w = await buildWorld(a.app, a.ctx);
    const cookies = await Promise.all(PERSONAS.map((p) => sessionCookieFor(a.ctx, w.users[p].id)));
    const topic = `group:${w.group.id}` as const;
    const clients = await inBatches(SOCKETS, async (i) => {
      const node = i % 2 === 0 ? a : b;
      const client = await openClient(node.ws, { cookie: cookies[i % cookies.length]!, origin: TEST_ORIGIN }, (raw) =>
        raw.includes('"hello"'),
      );
      const subscribed = new Promise<void>((resolve) => {
        client.onMessage = (raw) => raw.includes('"subscribed"') && resolve();
      });
      client.ws.send(JSON.stringify({ type: 'subscribe', topic }));
      await subscribed;
      return client;
    });
    console.log(`parley: ${clients.length} sockets subscribed (${SOCKETS / 2} per node)`);
    const item = { group: w.group, sideId: null, marking: 'shared' as const };
    const samples = await measure(
      clients,
      (roundId) =>
        a.ctx.hub.publish({
          topic,
          event: domainEvent('roster.changed', {
            groupId: w.group.id,
            resourceType: 'agency',
            resourceId: roundId,
          }),
          audience: { item },
        }),
      (raw, roundId) => raw.includes(roundId),
    );
    for (const c of clients) c.ws.terminate();
    return samples;
  } finally {
    for (const x of apps) await x.app.close().catch(() => {});
    await database.dispose().catch(() => {});
    await redis.stop();
  }
}

async function rawWsBroadcast(): Promise<number[]> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (socket) => socket.send('{"type":"hello"}'));
  try {
    const clients = await inBatches(SOCKETS, () => openClient(url, {}, (raw) => raw.includes('"hello"')));
    console.log(`raw ws: ${clients.length} sockets`);
    const groupId = randomUUID();
    const samples = await measure(
      clients,
      (roundId) => {
        const message: ServerMessage = {
          type: 'event',
          topic: `group:${groupId}`,
          event: domainEvent('roster.changed', { groupId, resourceType: 'agency', resourceId: roundId }),
        };
        const data = JSON.stringify(message);
        for (const socket of wss.clients) socket.send(data);
      },
      (raw, roundId) => raw.includes(roundId),
    );
    for (const c of clients) c.ws.terminate();
    return samples;
  } finally {
    await new Promise((resolve) => wss.close(resolve));
  }
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(REDIS_SERVER))
    throw new Error(`${REDIS_SERVER} is missing: node scripts/ensure-system.mjs redis-server`);
  const baseline = await rawWsBroadcast();
  const parley = await parleyTwoNodes();
  const results: BenchResult[] = [];
  for (const p of [50, 99]) {
    const value = percentile(parley, p);
    const base = percentile(baseline, p);
    console.log(`p${p}: two nodes via Redis ${value.toFixed(2)} ms, raw ws ${base.toFixed(2)} ms`);
    results.push({
      name: `realtime fan-out, ${SOCKETS} sockets on two nodes via Redis: p${p} delivery`,
      value: Number(value.toFixed(3)),
      baseline: Number(base.toFixed(3)),
      ratio: Number((value / base).toFixed(2)),
      unit: 'ms',
      target: p === 99 ? '<= 2x raw ws broadcast from one process' : 'reported',
    });
  }
  return results;
}
