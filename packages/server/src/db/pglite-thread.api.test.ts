import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client.js';
import { DatabaseThreadError, PGliteThread } from './pglite-thread.js';

describe('the embedded database in its own thread', () => {
  let thread: PGliteThread;
  beforeAll(async () => {
    thread = new PGliteThread({ dataDir: null });
    await thread.waitReady;
    await thread.exec('create table t (id int primary key, at timestamptz, n int8, b bytea)');
  });
  afterAll(() => thread.close());

  it('answers statements with PostgreSQL’s values, and keeps a type as text where the caller parses it', async () => {
    await thread.query('insert into t values ($1, $2, $3, $4)', [
      1,
      '2026-12-04T10:00:00Z',
      '9007199254740993',
      new Uint8Array([1, 2, 3]),
    ]);
    const typed = await thread.query('select * from t where id = $1', [1]);
    expect(typed.rows[0]).toMatchObject({ id: 1, n: 9007199254740993n, b: new Uint8Array([1, 2, 3]) });
    expect((typed.rows[0] as { at: unknown }).at).toBeInstanceOf(Date);
    // timestamptz is OID 1184: drizzle keeps it as PostgreSQL's text; the parser runs here, on the caller's side.
    const seen: string[] = [];
    const parsed = await thread.query('select id, at from t', [], {
      rowMode: 'array',
      parsers: {
        1184: (v) => {
          seen.push(v);
          return `parsed:${v}`;
        },
      },
    });
    expect(seen).toEqual(['2026-12-04 10:00:00+00']);
    expect(parsed.rows).toEqual([[1, 'parsed:2026-12-04 10:00:00+00']]);
  });

  it('refuses a bad statement with PostgreSQL’s error code, and goes on', async () => {
    const err = await thread.query('insert into t (id) values (1)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseThreadError);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect((await thread.query('select count(*)::int as c from t')).rows).toEqual([{ c: 1 }]);
  });

  it('commits a transaction whole, rolls back a failed one whole, and lets nothing in between', async () => {
    await thread.transaction(async (tx) => {
      await tx.query('insert into t (id) values (2)');
      await tx.query('insert into t (id) values (3)');
    });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const failing = thread
      .transaction(async (tx) => {
        await tx.query('insert into t (id) values (4)');
        order.push('tx wrote');
        await held;
        order.push('tx fails');
        throw new Error('refused');
      })
      .catch((e: Error) => e.message);
    // A statement from outside waits for the transaction's end, so it never sees (or joins) its uncommitted row.
    const outside = thread.query('select array_agg(id order by id) as ids from t').then((r) => {
      order.push('outside read');
      return r.rows[0];
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await failing).toBe('refused');
    expect(await outside).toEqual({ ids: [1, 2, 3] });
    expect(order).toEqual(['tx wrote', 'tx fails', 'outside read']);
  });

  it('refuses a statement on a transaction that has ended', async () => {
    let kept: { query(sql: string): Promise<unknown> } | null = null;
    await thread.transaction(async (tx) => {
      kept = tx;
    });
    await expect(kept!.query('select 1')).rejects.toThrow('Transaction is closed');
  });
});

describe('openDatabase on a data directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-db-thread-'));
  let database: Database;
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, keeps what it wrote across a restart, and rolls back drizzle’s nested transactions', async () => {
    database = await openDatabase({ databaseUrl: null, dataDir: dir });
    await database.migrate();
    await database.db.execute(sql`create table kept (v text)`);
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into kept values ('outer')`);
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into kept values ('inner')`);
          inner.rollback();
        })
        .catch(() => {});
    });
    await database.close();
    database = await openDatabase({ databaseUrl: null, dataDir: dir });
    const rows = await database.db.execute(sql`select v from kept`);
    expect((rows as unknown as { rows: unknown[] }).rows).toEqual([{ v: 'outer' }]);
    expect(await database.ping()).toBe(true);
  });
});
