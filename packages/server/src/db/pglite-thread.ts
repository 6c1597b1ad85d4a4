// The embedded database (PGlite) runs in a worker thread, not on the server's event loop.
//
// Why: PGlite is PostgreSQL compiled to WebAssembly, and every statement runs synchronously on the thread that
// holds it, its disk writes included (durability is not relaxed). On the server's own thread a join's dozens of
// statements (admission, key-package claim, the MLS commit and its audit entry) held the event loop for 100–380 ms
// at a time, and the call signalling waiting behind them (the SFU's offer and answer, the Welcome's push) waited
// with it (docs/call-keys.md §11). In a thread of its own the database works while the event loop goes on.
//
// `PGliteThread` offers the part of PGlite's client that drizzle uses (`query`, `exec`, `transaction`). Like
// PGlite, it runs one thing at a time: a transaction holds the database from BEGIN to COMMIT or ROLLBACK, and a
// statement sent meanwhile from outside it waits for its end.
import { Worker } from 'node:worker_threads';
import type { DbReply, DbRequest, DbThreadError, DbThreadOptions } from './pglite-protocol.js';

type Parser = (value: string, typeId: number) => unknown;
interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, Parser>;
}
interface QueryResult {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}
type Request = DbRequest extends infer R ? (R extends DbRequest ? Omit<R, 'id'> : never) : never;

/** The worker's module: its TypeScript source beside this file when running from source, else the built one. */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './pglite-worker.ts' : './pglite-worker.js',
  import.meta.url,
);

/** An error of the database thread, with PostgreSQL's fields (`code`, `constraint`, …) as PGlite gives them. */
export class DatabaseThreadError extends Error {
  constructor(fields: DbThreadError) {
    super(fields.message);
    Object.assign(this, fields);
  }
}

export interface DbClient {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult>;
  exec(sql: string): Promise<unknown>;
}

export class PGliteThread implements DbClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;
  /** The end of the last exclusive turn (a statement, or a whole transaction). */
  #tail: Promise<unknown> = Promise.resolve();
  #dead: Error | null = null;
  readonly waitReady: Promise<void>;

  constructor(options: DbThreadOptions) {
    this.#worker = new Worker(WORKER_URL, { workerData: options });
    this.waitReady = new Promise((resolve, reject) => this.#pending.set(0, { resolve: () => resolve(), reject }));
    this.#worker.on('message', (reply: DbReply) => {
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new DatabaseThreadError(reply.error));
    });
    const fail = (err: Error) => {
      this.#dead = err;
      for (const waiting of this.#pending.values()) waiting.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the database thread stopped (exit code ${code})`)));
  }

  query(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<QueryResult> {
    return this.#exclusive(() => this.#query(sql, params, options));
  }

  exec(sql: string): Promise<unknown> {
    return this.#exclusive(() => this.#send({ op: 'exec', sql }));
  }

  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: DbClient) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      let open = true;
      const inside = <R>(step: () => Promise<R>) => {
        if (!open) return Promise.reject(new Error('Transaction is closed'));
        return step();
      };
      const tx: DbClient = {
        query: (sql, params = [], options = {}) => inside(() => this.#query(sql, params, options)),
        exec: (sql) => inside(() => this.#send({ op: 'exec', sql })),
      };
      await this.#send({ op: 'exec', sql: 'BEGIN' });
      try {
        const result = await fn(tx);
        await this.#send({ op: 'exec', sql: 'COMMIT' });
        return result;
      } catch (err) {
        await this.#send({ op: 'exec', sql: 'ROLLBACK' }).catch(() => {});
        throw err;
      } finally {
        open = false;
      }
    });
  }

  async close(): Promise<void> {
    if (this.#dead) return;
    await this.#exclusive(() => this.#send({ op: 'close' })).catch(() => {});
    await this.#worker.terminate();
  }

  async #query(sql: string, params: unknown[], options: QueryOptions): Promise<QueryResult> {
    const parsers = options.parsers ?? {};
    const textTypes = Object.keys(parsers).map(Number);
    const result = (await this.#send({
      op: 'query',
      sql,
      params,
      rowMode: options.rowMode ?? 'object',
      textTypes,
    })) as QueryResult;
    if (textTypes.length > 0) applyParsers(result, parsers, options.rowMode ?? 'object');
    return result;
  }

  #exclusive<T>(turn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(turn, turn);
    this.#tail = run.catch(() => {});
    return run;
  }

  #send(request: Request): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }
}

/** The caller's own parsers, on the columns the database thread left as text. */
function applyParsers(result: QueryResult, parsers: Record<number, Parser>, rowMode: 'array' | 'object'): void {
  result.fields.forEach((field, i) => {
    const parse = parsers[field.dataTypeID];
    if (!parse) return;
    for (const row of result.rows) {
      if (rowMode === 'array') {
        const r = row as unknown[];
        if (r[i] !== null) r[i] = parse(r[i] as string, field.dataTypeID);
      } else {
        const r = row as Record<string, unknown>;
        if (r[field.name] !== null) r[field.name] = parse(r[field.name] as string, field.dataTypeID);
      }
    }
  });
}
