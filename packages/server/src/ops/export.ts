import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';

export interface InstanceExport {
  format: 'parley-export/1';
  exportedAt: string;
  tables: Record<string, Record<string, unknown>[]>;
}

const encode = (v: unknown): unknown => {
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return v;
};

/**
 * Everything this instance holds, table by table, read from the catalogue so new modules are included
 * without touching this file. Ciphertext columns stay ciphertext: nothing here can decrypt them.
 */
export async function exportInstance(db: DbOrTx): Promise<InstanceExport> {
  const res = await db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const tables: InstanceExport['tables'] = {};
  for (const { table_name } of rowsOf<{ table_name: string }>(res)) {
    const rows = rowsOf<Record<string, unknown>>(await db.execute(sql`select * from ${sql.identifier(table_name)}`));
    tables[table_name] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, encode(v)])));
  }
  return { format: 'parley-export/1', exportedAt: new Date().toISOString(), tables };
}

/** node-postgres returns `{ rows }`, PGlite returns `{ rows }` too but typed differently: normalise. */
export function rowsOf<T>(res: unknown): T[] {
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}
