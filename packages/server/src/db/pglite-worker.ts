// The embedded database's own thread (see pglite-thread.ts for why). It holds the one PGlite instance and runs what
// the server's thread sends, one statement at a time, in the order sent; the server's thread decides what may
// interleave (nothing, while a transaction is open). Loaded as a worker; erasable TypeScript only, so Node runs the
// source as it is.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Results } from '@electric-sql/pglite';
import type { DbReply, DbRequest, DbThreadError, DbThreadOptions } from './pglite-protocol.js';

const options = workerData as DbThreadOptions;
const port = parentPort!;
const db = options.dataDir ? new PGlite(options.dataDir, { relaxedDurability: false }) : new PGlite();

const keepText = (value: string) => value;

function errorOf(err: unknown): DbThreadError {
  const e = (err ?? {}) as Record<string, unknown>;
  const out: DbThreadError = { message: err instanceof Error ? err.message : String(err) };
  // The fields of a PostgreSQL error a caller may read (SQLSTATE code, the constraint, the detail).
  for (const k of ['code', 'detail', 'constraint', 'table', 'column', 'schema', 'severity', 'hint'] as const)
    if (typeof e[k] === 'string') out[k] = e[k] as string;
  return out;
}

async function run(request: DbRequest): Promise<Results | Results[] | null> {
  switch (request.op) {
    case 'query': {
      // Columns of the types the caller parses itself come back as PostgreSQL's text; it applies its parsers.
      const parsers = Object.fromEntries(request.textTypes.map((oid) => [oid, keepText]));
      return db.query(request.sql, request.params, { rowMode: request.rowMode, parsers });
    }
    case 'exec':
      return db.exec(request.sql);
    case 'close':
      await db.close();
      return null;
  }
}

port.on('message', (request: DbRequest) => {
  run(request).then(
    (result) => {
      port.postMessage({ id: request.id, ok: true, result } satisfies DbReply);
      if (request.op === 'close') port.close();
    },
    (err: unknown) => port.postMessage({ id: request.id, ok: false, error: errorOf(err) } satisfies DbReply),
  );
});

db.waitReady.then(
  () => port.postMessage({ id: 0, ok: true, result: null } satisfies DbReply),
  (err: unknown) => port.postMessage({ id: 0, ok: false, error: errorOf(err) } satisfies DbReply),
);
