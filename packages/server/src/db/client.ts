import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { type DbClient, PGliteThread } from './pglite-thread.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
// Both drivers share drizzle's PgDatabase surface; code is written against that so the same queries run on both.
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** Hook for query-latency metrics; set by the metrics plugin. */
  onQuery?: (durationSeconds: number) => void;
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** Directory for PGlite; `null` keeps the database in memory (tests). */
  dataDir: string | null;
}

type QueryFn = (...args: never[]) => Promise<unknown>;

/** Wraps a driver's query method so every statement's latency reaches the metrics hook. */
function timeQueries(target: { query: QueryFn }, database: () => Database | undefined): void {
  const original = target.query.bind(target) as QueryFn;
  target.query = (async (...args: never[]) => {
    const start = performance.now();
    try {
      return await original(...args);
    } finally {
      database()?.onQuery?.((performance.now() - start) / 1000);
    }
  }) as QueryFn;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  let database: Database | undefined;
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection can be cut by the server (restart, failover, a dropped database); node-postgres then emits
    // 'error' on the pool, which would crash the process if nobody listened. The pool replaces the connection.
    pool.on('error', (err) => process.emitWarning(`PostgreSQL connection lost: ${err.message}`));
    timeQueries(pool as never, () => database);
    // Transactions run on a checked-out client, not the pool.
    pool.on('connect', (client) => {
      timeQueries(client as never, () => database);
      // The same for a connection that is checked out but between queries (the pool stops listening then).
      client.on('error', (err) => process.emitWarning(`PostgreSQL connection lost: ${err.message}`));
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    database = {
      db,
      kind: 'postgres',
      migrate: () => migratePg(db as never, { migrationsFolder }),
      ping: () => ping(db),
      close: () => pool.end(),
    };
    return database;
  }
  let unlock = () => {};
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    unlock = lockDataDir(opts.dataDir);
  }
  // In a thread of its own, so its statements never hold the event loop (pglite-thread.ts).
  const client = new PGliteThread({ dataDir: opts.dataDir ? path.join(opts.dataDir, 'pglite') : null });
  try {
    await client.waitReady;
  } catch (err) {
    await client.close();
    unlock();
    throw err;
  }
  timeQueries(client as never, () => database);
  const transaction = client.transaction.bind(client);
  client.transaction = (<T>(fn: (tx: DbClient) => Promise<T>) =>
    transaction((tx) => {
      timeQueries(tx as never, () => database);
      return fn(tx);
    })) as typeof client.transaction;
  // drizzle's PGlite session calls `query` and `transaction` only, which the thread offers as PGlite does.
  const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
  database = {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    ping: () => ping(db),
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
  return database;
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
