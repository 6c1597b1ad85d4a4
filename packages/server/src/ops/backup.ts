import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { rowsOf } from './export.js';

/**
 * A backup is every row of every table, read in one repeatable-read transaction (one consistent moment even while
 * the server writes), with the migrations the schema was at. Rows are in PostgreSQL's own JSON form (`row_to_json`),
 * which `json_populate_recordset` reads back type for type: bytea as `\x…`, timestamps, jsonb, bigint.
 */
export interface Backup {
  format: 'parley-backup/1';
  createdAt: string;
  /** Hashes of the applied migrations, oldest first: a backup restores only into the same schema. */
  migrations: string[];
  tables: Record<string, unknown[]>;
}

interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  columns: number;
}

async function tableNames(db: DbOrTx): Promise<string[]> {
  const res = await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  return rowsOf<{ table_name: string }>(res).map((r) => r.table_name);
}

async function appliedMigrations(db: DbOrTx): Promise<string[]> {
  const res = await db.execute(sql`select hash from drizzle.__drizzle_migrations order by created_at, id`);
  return rowsOf<{ hash: string }>(res).map((r) => r.hash);
}

async function foreignKeys(db: DbOrTx): Promise<ForeignKey[]> {
  const res = await db.execute(sql`
    select c.conrelid::regclass::text as "table", a.attname as "column",
           c.confrelid::regclass::text as "refTable", af.attname as "refColumn",
           array_length(c.conkey, 1) as "columns"
    from pg_constraint c
    join pg_namespace n on n.oid = c.connamespace and n.nspname = 'public'
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute af on af.attrelid = c.confrelid and af.attnum = c.confkey[1]
    where c.contype = 'f'`);
  return rowsOf<ForeignKey>(res).map((f) => ({ ...f, columns: Number(f.columns) }));
}

export async function backupInstance(db: Db): Promise<Backup> {
  return db.transaction(
    async (tx) => {
      const tables: Backup['tables'] = {};
      for (const name of await tableNames(tx)) {
        const res = await tx.execute(
          sql`select coalesce(json_agg(row_to_json(t)), '[]'::json) as rows from ${sql.identifier(name)} t`,
        );
        const value = rowsOf<{ rows: unknown }>(res)[0]?.rows ?? [];
        tables[name] = (typeof value === 'string' ? JSON.parse(value) : value) as unknown[];
      }
      return {
        format: 'parley-backup/1' as const,
        createdAt: new Date().toISOString(),
        migrations: await appliedMigrations(tx),
        tables,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

export class RestoreRefused extends Error {}

/** Tables ordered so that every table comes after those it references. */
function insertOrder(names: string[], fks: ForeignKey[]): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (done.has(name) || path.has(name)) return;
    path.add(name);
    for (const fk of fks) if (fk.table === name && fk.refTable !== name) visit(fk.refTable, path);
    done.add(name);
    order.push(name);
  };
  for (const n of names) visit(n, new Set());
  return order;
}

/** Rows of a self-referencing table (a group's parent group), parents before children. */
function parentsFirst(rows: Record<string, unknown>[], fk: ForeignKey): Record<string, unknown>[] {
  const placed = new Set<unknown>();
  const present = new Set(rows.map((r) => r[fk.refColumn]));
  const out: Record<string, unknown>[] = [];
  let pending = rows;
  while (pending.length) {
    const next = pending.filter((r) => {
      const parent = r[fk.column];
      if (parent === null || parent === undefined || !present.has(parent) || placed.has(parent)) {
        out.push(r);
        placed.add(r[fk.refColumn]);
        return false;
      }
      return true;
    });
    if (next.length === pending.length) throw new RestoreRefused(`${fk.table}: rows reference each other in a cycle`);
    pending = next;
  }
  return out;
}

export interface RestoreReport {
  tables: number;
  rows: number;
}

/** Loads a backup into a migrated, empty database, all in one transaction: it lands whole or not at all. */
export async function restoreInstance(db: Db, backup: Backup): Promise<RestoreReport> {
  if (backup?.format !== 'parley-backup/1') throw new RestoreRefused('not a Parley backup (format parley-backup/1)');
  const names = await tableNames(db);
  const migrations = await appliedMigrations(db);
  if (backup.migrations.join() !== migrations.join())
    throw new RestoreRefused(
      `the backup was made at schema version ${backup.migrations.length} and this release is at ${migrations.length}: restore it with the release that made it, then upgrade`,
    );
  const busy: string[] = [];
  for (const name of names) {
    const res = await db.execute(sql`select exists (select 1 from ${sql.identifier(name)}) as found`);
    if (rowsOf<{ found: boolean }>(res)[0]?.found) busy.push(name);
  }
  if (busy.length)
    throw new RestoreRefused(
      `this instance already holds data (${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''}): restore only into a new, empty instance`,
    );
  const unknown = Object.keys(backup.tables).filter((t) => !names.includes(t));
  if (unknown.length) throw new RestoreRefused(`the backup has tables this release does not: ${unknown.join(', ')}`);
  const fks = await foreignKeys(db);
  const identity = rowsOf<{ table_name: string; column_name: string }>(
    await db.execute(
      sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and is_identity = 'YES'`,
    ),
  );
  let rows = 0;
  await db.transaction(async (tx) => {
    for (const name of insertOrder(names, fks)) {
      let data = (backup.tables[name] ?? []) as Record<string, unknown>[];
      if (!data.length) continue;
      const self = fks.find((f) => f.table === name && f.refTable === name && f.columns === 1);
      if (self) data = parentsFirst(data, self);
      const overriding = identity.some((c) => c.table_name === name) ? sql`overriding system value` : sql``;
      for (let i = 0; i < data.length; i += 500) {
        const chunk = JSON.stringify(data.slice(i, i + 500));
        await tx.execute(
          sql`insert into ${sql.identifier(name)} ${overriding} select * from json_populate_recordset(null::${sql.identifier(name)}, ${chunk}::json)`,
        );
      }
      rows += data.length;
    }
    // Identity columns continue after the restored rows, not from 1.
    for (const c of identity)
      await tx.execute(
        sql`select setval(pg_get_serial_sequence(${`"${c.table_name}"`}, ${c.column_name}), coalesce((select max(${sql.identifier(c.column_name)}) from ${sql.identifier(c.table_name)}), 0) + 1, false)`,
      );
  });
  return { tables: Object.keys(backup.tables).length, rows };
}
