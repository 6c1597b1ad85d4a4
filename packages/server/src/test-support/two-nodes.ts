import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { type BuildOptions, buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { startJanus } from '../janus/index.js';
import type { TestApp } from './app.js';
import { TEST_ORIGIN, TEST_SECRETS_KEY } from './app.js';
import { emptyPostgresDatabase } from './database.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * Why the two-node tests cannot run here, or null when they can: they need a real PostgreSQL (PGlite is one
 * process's) and Debian's redis-server (`node scripts/ensure-system.mjs redis-server`). `.ci/run` has both in its
 * PostgreSQL pass.
 */
export function twoNodeSkipReason(): string | null {
  if (!process.env.DATABASE_URL) return 'two server nodes need a real PostgreSQL: set DATABASE_URL (see .ci/run)';
  if (!existsSync(REDIS_SERVER))
    return `two server nodes need ${REDIS_SERVER}: node scripts/ensure-system.mjs redis-server`;
  return null;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RedisProcess {
  url: string;
  stop(): Promise<void>;
}

/** A private redis-server on a loopback port: no persistence, gone with the process. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!/Ready to accept connections/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Node extends TestApp {
  /** ws://… of its /ws socket. */
  ws: string;
}

export interface TwoNodes {
  redis: RedisProcess;
  a: Node;
  b: Node;
  close(): Promise<void>;
}

/**
 * Two real apps ("node-a", "node-b") in this process, each with its own connection pool on one fresh PostgreSQL
 * database and both on one real Redis, each listening on its own port. `janus: true`: each node drives its own Janus
 * child; a function: how each node reaches its media servers (e.g. the same JANUS_NODES for both).
 */
export async function twoNodes(opts: { janus?: boolean | NonNullable<BuildOptions['janus']> } = {}): Promise<TwoNodes> {
  const redis = await startRedis();
  const pgDb = await emptyPostgresDatabase(process.env.DATABASE_URL!);
  const databases: Database[] = [];
  const nodes: Node[] = [];
  try {
    for (const nodeId of ['node-a', 'node-b']) {
      const database = await openDatabase({ databaseUrl: pgDb.url, dataDir: null });
      databases.push(database);
      if (nodeId === 'node-a') await database.migrate();
      const config = loadConfig(
        {
          PORT: '8080',
          HOST: '127.0.0.1',
          PUBLIC_URL: TEST_ORIGIN,
          DATA_DIR: '/nonexistent',
          SECRETS_KEY: TEST_SECRETS_KEY,
          REDIS_URL: redis.url,
          NODE_ID: nodeId,
        },
        { webRoot: '/nonexistent' },
      );
      const { app, ctx } = await buildApp({
        config,
        database,
        logger: false,
        ...(opts.janus ? { janus: opts.janus === true ? startTestJanus : opts.janus } : {}),
      });
      await app.ready();
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      nodes.push({ app, ctx, ws: `ws://127.0.0.1:${port}/ws`, close: () => app.close() });
    }
  } catch (err) {
    for (const n of nodes) await n.close().catch(() => {});
    for (const d of databases) await d.close().catch(() => {});
    await pgDb.dispose().catch(() => {});
    await redis.stop();
    throw err;
  }
  const [a, b] = nodes as [Node, Node];
  return {
    redis,
    a,
    b,
    close: async () => {
      for (const n of nodes) await n.close().catch(() => {});
      for (const d of databases) await d.close().catch(() => {});
      await pgDb.dispose();
      await redis.stop();
    },
  };
}

async function startTestJanus() {
  const { captureLog, testJanusOptions } = await import('../janus/test-support/janus.js');
  return startJanus(testJanusOptions(), captureLog());
}
