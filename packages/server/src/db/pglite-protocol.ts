// What the server's thread and the embedded database's thread say to each other (pglite-thread.ts,
// pglite-worker.ts). Types only: the worker imports this file as erasable TypeScript.

export interface DbThreadOptions {
  /** PGlite's directory; `null` keeps the database in memory (tests). */
  dataDir: string | null;
}

export type DbRequest =
  | {
      id: number;
      op: 'query';
      sql: string;
      params: unknown[];
      rowMode: 'array' | 'object';
      /** Type OIDs whose values come back as PostgreSQL's text, for the caller's own parsers. */
      textTypes: number[];
    }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'close' };

export interface DbThreadError {
  message: string;
  code?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  severity?: string;
  hint?: string;
}

/** Reply to request `id`; id 0 answers the start (the database is ready, or could not open). */
export type DbReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: DbThreadError };
